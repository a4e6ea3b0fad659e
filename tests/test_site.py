"""The website: `mkdocs build --strict` (once per module, with a results.json), generated pages, Chinese search."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from html import escape, unescape
from pathlib import Path

import pytest

from caaad import outcomes
from caaad.matrix.matrix import group_of
from caaad.labels import ACTOR
from caaad.scenarios import index_features
from caaad.specload import load_spec

pytest.importorskip("mkdocs")
pytest.importorskip("material")

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ("index.md", "matrix.md", "standard", "vendors/contract.md", "auditors/verdict-rules.md")


@pytest.fixture(scope="module")
def loaded():
    spec = load_spec(ROOT / "spec").spec
    return spec, index_features(ROOT / "features", spec.obligations)


@pytest.fixture(scope="module")
def run_results(loaded, tmp_path_factory):
    """A results.json in which one scenario passed and one failed."""
    spec, index = loaded
    passed = index.scenarios[0]
    failed = next(s for s in index.scenarios if not set(s.obligation_ids) & set(passed.obligation_ids))
    data = {
        "format": 1, "profile": "all", "started_at": "2024-03-01T09:00:00+08:00",
        "spec_digest": spec.digest, "features_digest": index.digest,
        "scenarios": [{"id": "p", "name": passed.name, "location": passed.location,
                       "obligations": list(passed.obligation_ids), "outcome": "passed", "message": ""},
                      {"id": "f", "name": failed.name, "location": failed.location,
                       "obligations": list(failed.obligation_ids), "outcome": "failed", "message": "refund late"}],
        "obligations": [{"id": passed.obligation_ids[0], "outcome": "passed", "in_scope": True, "reason": ""},
                        {"id": failed.obligation_ids[0], "outcome": "failed", "in_scope": True, "reason": ""}],
    }
    path = tmp_path_factory.mktemp("results") / "results.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path, passed.obligation_ids[0], failed.obligation_ids[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory, run_results):
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "CAAAD_RESULTS": str(run_results[0]), "NO_MKDOCS_2_WARNING": "1"}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    print(f"mkdocs build --strict took {time.monotonic() - started:.1f} s")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def card(html: str, oid: str) -> str:
    """The obligation's card: from its heading to the next card."""
    start = html.index(f'id="{oid}"')
    end = html.find('<div class="caaad-card', start)
    return html[start:end if end != -1 else None]


def test_nothing_generated_is_committed():
    assert not [p for p in GENERATED if (ROOT / "docs" / p).exists()]


def test_a_page_for_every_clause_group_with_every_clause_and_obligation(site, loaded):
    spec, _ = loaded
    groups = {c.group for c in spec.clauses}
    assert {"4", "5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "A"} <= groups
    for clause in spec.clauses:
        html = page(site, f"standard/{clause.group}")
        assert f'id="{clause.id}"' in html, clause.id
        assert escape(clause.statements[0].text.zh.strip()[:20], quote=False) in html, clause.id
        for statement in clause.statements:
            for o in statement.obligations:
                assert f'id="{o.id}"' in html, o.id
    for name in ("front-matter", "terms", "normative-references", "bibliography"):
        assert (site / "standard" / name / "index.html").is_file()
    terms = page(site, "standard/terms")
    assert all(f'id="{t.id}"' in terms for t in spec.terms) and len(spec.terms) == 10


def test_obligation_cards_show_the_model_and_the_scenarios(site, loaded):
    spec, index = loaded
    o = next(o for o in spec.obligations.values() if o.executable and o.params and o.legal_refs
             and index.by_obligation().get(o.id))
    html = card(page(site, f"standard/{group_of(o.clause_id)}"), o.id)
    assert ">中文</label>" in html and ">English</label>" in html
    assert ACTOR[o.actor][0] in html and o.params[0].name in html
    law = next(law for law in spec.standard["laws"] if law["abbr"] == o.legal_refs[0].law)
    assert f"第{o.legal_refs[0].article}条" in html and law["title"]["zh"] in html
    scenario = index.by_obligation()[o.id][0]
    assert scenario.location in html and 'class="filename">' in html and scenario.name in html

    documentary = next(o for o in spec.obligations.values() if o.mode == "documentary")
    html = card(page(site, f"standard/{group_of(documentary.clause_id)}"), documentary.id)
    assert escape(documentary.evidence[0].criterion.zh[:15], quote=False) in html


def test_matrix_and_cards_show_outcomes_from_results(site, loaded, run_results):
    spec, _ = loaded
    _, passed, failed = run_results
    matrix = page(site, "matrix")
    row = next(line for line in matrix.split("<tr>") if f'#{passed}"' in line)
    assert "通过 / passed" in row
    row = next(line for line in matrix.split("<tr>") if f'#{failed}"' in line)
    assert "未通过 / failed" in row
    other = next(o for o in spec.obligations if o not in (passed, failed))
    assert "未运行 / not run" in next(line for line in matrix.split("<tr>") if f'#{other}"' in line)
    html = card(page(site, f"standard/{group_of(spec.obligations[passed].clause_id)}"), passed)
    assert "caaad-passed" in html and "通过 / passed" in html


def test_group_pages_can_be_navigated_clause_by_clause(site, loaded):
    spec, _ = loaded
    clause = spec.clause("5.4.2")
    html = page(site, "standard/5.4")
    contents = html[:html.index('id="5.4.1"')]  # the contents table and the legend, before the first clause
    assert 'href="#5.4.2"' in contents
    assert all(f'href="#{o.id}"' in contents for s in clause.statements for o in s.obligations)
    assert "caaad-strength caaad-shall" in contents and "caaad-outcome caaad-failed" in contents  # the legend
    toc = html[html.index('data-md-component="toc"'):]
    statement = clause.statements[1]
    assert f'href="#{statement.id}"' in toc and escape(statement.text.zh[:8], quote=False) in toc


def test_search_leaves_out_the_tab_labels(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [d["location"] for d in index["docs"] if re.search(r"中文\W*English", d["text"])]
    assert 'data-search-exclude' not in page(site, "standard/5.4")


def test_search_finds_chinese_words_on_their_clauses(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    assert "zh" in index["config"]["lang"]
    for word, clause in (("赠品", "5.4.2"), ("退货运费", "5.4.1"), ("7天", "5.4.1"), ("15天", "5.4.2")):
        hits = [d["location"] for d in index["docs"] if word in separator.split(d["text"])]
        assert hits, f"{word} is not indexed as a word"
        assert any(re.fullmatch(rf"standard/5\.4/#{re.escape(clause)}(\.[a-z])?(-\d+)?", h) for h in hits), hits
    assert not [d["title"] for d in index["docs"] if "\u200b" in d["title"]], "result titles are shown as indexed"


def test_home_page_takes_the_quick_start_from_readme(site):
    text = unescape(re.sub(r"<[^>]+>", "", page(site, "")))  # code is highlighted token by token
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if "caaad run" in line and line.startswith("python3"))
    assert command in text


def test_guides_and_contract_page_are_built(site):
    for path in ("vendors", "vendors/report", "vendors/contract", "auditors", "auditors/outcomes", "changelog"):
        assert (site / path / "index.html").is_file(), path
    assert "--adapter" in page(site, "vendors") and "--profile" in page(site, "vendors")


def test_auditors_guide_names_every_profile_and_outcome():
    text = (ROOT / "docs" / "auditors" / "outcomes.md").read_text(encoding="utf-8")
    for profile, actors in outcomes.PROFILES.items():
        assert f"`{profile}`" in text
        for actor in actors or ():
            assert f"`{actor}`" in text, actor
    for outcome in outcomes.SCENARIO_OUTCOMES:
        assert f"`{outcome}`" in text


# The hook's functions without a build: no results, unreadable results, README variants.

def _hook_module():
    """The mkdocs hook, imported by path as mkdocs does (it is no module of the package)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("generated_pages", ROOT / "hooks" / "generated_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def hook(tmp_path, monkeypatch):
    """hooks/generated_pages.py on a copy of spec/ and features/ with no results anywhere."""
    site_hook = _hook_module()
    shutil.copytree(ROOT / "spec", tmp_path / "spec")
    shutil.copytree(ROOT / "features", tmp_path / "features")
    monkeypatch.delenv("CAAAD_RESULTS", raising=False)
    monkeypatch.setattr(site_hook.STATE, "root", tmp_path)
    return site_hook, tmp_path


def test_without_results_everything_reads_not_run(hook):
    site_hook, root = hook
    site_hook._load(root)
    pages = site_hook._pages()
    assert "未运行 / not run" in pages["matrix.md"] and "通过 / passed" not in pages["matrix.md"]
    clauses = pages["standard/5.4.md"].split("\n## ", 1)[1]  # the clauses and their cards, after the legend
    assert "caaad-not-run" in clauses and "caaad-passed" not in clauses


def test_unreadable_results_do_not_fail_the_build(hook, monkeypatch):
    site_hook, root = hook
    (root / "broken.json").write_text("{", encoding="utf-8")
    monkeypatch.setenv("CAAAD_RESULTS", str(root / "broken.json"))
    site_hook._load(root)
    assert site_hook.STATE.matrix.results is None
    assert "results not shown" in site_hook._pages()["matrix.md"]


def test_quick_start_ignores_comments_inside_the_code_block(hook):
    site_hook, root = hook
    (root / "README.md").write_text("# kit\n\n## Quick start\n\n```sh\n# set up\npip install .\n```\n\n## Next\n\n"
                                    "```sh\nnot this\n```\n", encoding="utf-8")
    assert site_hook._quick_start() == (["# set up\npip install ."], "README.md")
    (root / "README.md").unlink()
    blocks, source = site_hook._quick_start()
    assert source == "" and "caaad run" in blocks[0]


def test_cards_and_matrix_show_the_rule_the_killing_variants_and_the_teeth(site):
    from caaad.matrix.inputs import load_kill_matrix
    from caaad.reference_impl.rules import rule_index
    kills = load_kill_matrix(ROOT / "spec" / "kill-matrix.yaml")
    oid = "5.4.2.d-1"
    killers = kills.killers()[oid]
    html = card(page(site, "standard/5.4"), oid)
    assert "Reference rule" in html and all(rule in unescape(html) for rule in rule_index()[oid])
    assert "Killing variants" in html and all(name in html for name in killers)
    matrix = unescape(page(site, "matrix"))
    assert "Teeth" in matrix and re.search(r"\d+ / \d+ \(\d+%\)", matrix)
    assert all(name in matrix for name in killers)


# The site's hooks loaded as mkdocs loads them, in a process where no installed finder maps caaad.reference_impl
# to reference_impl/ (a vendor's `pip install .`: the editable install's finder removed), so the hooks must take
# the checkout's own folder.
WITHOUT_EDITABLE_FINDER = """
import importlib.util, sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "").lower()]
for name in [m for m in sys.modules if m == "caaad" or m.startswith("caaad.")]:
    del sys.modules[name]
spec = importlib.util.spec_from_file_location("generated_pages", sys.argv[1])
spec.loader.exec_module(importlib.util.module_from_spec(spec))
import caaad.reference_impl.rules
print(caaad.reference_impl.rules.__file__)
"""


def test_the_hooks_take_the_checkouts_reference_system_without_an_editable_install():
    done = subprocess.run([sys.executable, "-c", WITHOUT_EDITABLE_FINDER, str(ROOT / "hooks" / "generated_pages.py")],
                          capture_output=True, text=True, timeout=60, cwd="/")
    assert done.returncode == 0, done.stderr[-2000:]
    assert Path(done.stdout.strip()) == ROOT / "reference_impl" / "rules" / "__init__.py"
