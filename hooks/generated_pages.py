"""mkdocs hooks (`hooks: [hooks/generated_pages.py]` in mkdocs.yml): the standard, the matrix and the home page
are generated at build time from spec/, features/, README.md and, when there is one, a results.json.

Nothing generated is committed: the pages exist only inside the build (`File.generated`). The hand-written
guides live in docs/. Results are optional: CAAAD_RESULTS=path, else caaad-report/results.json at the
repository root; without them every outcome reads "未运行 / not run", and the build never fails for lack of
them. The matrix page is `caaad.matrix.render.render_markdown`, the same code as `caaad trace`; with
spec/kill-matrix.yaml it and the obligation cards show each obligation's reference rule and killing variants.
"""

import importlib
import importlib.util
import json
import logging
import os
import re
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
# Import the package from the repository root, so that the site always shows this checkout's spec and code,
# not an installed copy; and its reference system from the root's reference_impl/, which only an install
# (pyproject's package-dir, or the editable install's finder) maps to caaad.reference_impl.
sys.path.insert(0, str(_ROOT))


def _checkout_package(name: str, folder: Path) -> None:
    parent, _, child = name.rpartition(".")
    spec = importlib.util.spec_from_file_location(name, folder / "__init__.py", submodule_search_locations=[str(folder)])
    sys.modules[name] = module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    setattr(importlib.import_module(parent), child, module)


_checkout_package("caaad.reference_impl", _ROOT / "reference_impl")

from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

from caaad import __version__  # noqa: E402
from caaad.matrix import inputs  # noqa: E402
from caaad.matrix.matrix import Matrix, build, group_of  # noqa: E402
from caaad.matrix.render import render_markdown, teeth_percent  # noqa: E402
from caaad.reference_impl.rules import rule_index  # noqa: E402
from caaad.labels import ACTOR, MODE, OUTCOME, PHASE, STRENGTH, label, outcome_label  # noqa: E402
from caaad.scenarios import index_features  # noqa: E402
from caaad.specload import SpecError, load_spec  # noqa: E402

log = logging.getLogger("mkdocs.hooks.caaad")

GROUP_PAGE = "standard/{}.md"
UNITS = {"day": "天 day(s)", "hour": "小时 hour(s)", "minute": "分钟 minute(s)", "fen": "分 fen", "percent": "% percent"}
FALLBACK_QUICK_START = ("python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/caaad run --out caaad-report",)


class _State:
    root: Path = _ROOT
    load = None  # specload.LoadResult
    matrix: Matrix | None = None
    results_note: str = ""
    known_note: str = ""
    kills_note: str = ""
    feature_lines: dict = {}  # features/… file → its lines, for this build


STATE = _State()


# ---------------------------------------------------------------------------------------------------------
# mkdocs events


@event_priority(100)  # before the search plugin reads its options
def on_config(config):
    root = Path(config.config_file_path).resolve().parent
    STATE.root = root
    search = next((p for name, p in config.plugins.items() if name.endswith("search")), None)
    if search is not None and search.config.get("jieba_dict_user"):
        # The search plugin resolves this against the working directory; resolve it against mkdocs.yml.
        path = Path(search.config.jieba_dict_user)
        search.config.jieba_dict_user = str(path if path.is_absolute() else root / path)
    try:
        import jieba
        jieba.setLogLevel(logging.WARNING)
    except ImportError:
        log.warning("jieba is not installed: Chinese search will not find words (pip install '.[docs]')")
    _load(root)
    return config


def on_files(files, config):
    pages = _pages()
    for uri in _nav_pages(config.nav):  # a group the spec does not hold (yet): a page saying so, not a broken nav
        if uri.startswith("standard/") and uri not in pages and files.get_file_from_path(uri) is None:
            pages[uri] = f"# {Path(uri).stem}\n\n!!! warning \"尚未建模 Not modelled yet\"\n\n    Not in spec/ yet.\n"
    for uri, content in pages.items():
        existing = files.get_file_from_path(uri)
        if existing is not None:
            log.warning(f"docs/{uri} is generated at build time from spec/ and features/; delete the hand-written file")
            files.remove(existing)
        files.append(File.generated(config, uri, content=content))
    return files


def on_page_content(html, page, config, files):
    # The 中文 / English tab labels are controls, not text: keep them out of the search index (the search
    # plugin skips elements marked data-search-exclude, and strips the mark from the page).
    return html.replace('<div class="tabbed-labels">', '<div class="tabbed-labels" data-search-exclude="labels">')


def _nav_pages(nav) -> list[str]:
    out = []
    for item in nav or ():
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            out += _nav_pages(value)
        elif isinstance(value, str) and value.endswith(".md"):
            out.append(value)
    return out


# jieba segments only runs of Han characters, so "7天无理由退货" is indexed as 7 | 天 | 无理由退货 and a reader
# typing 7天 found nothing (checked in Chromium). A number and the unit after it are one word for a reader: join
# them back in the index. Titles are shown as they are indexed, so they keep no U+200B (their words are in the
# section text as well).
_NUMBER_AND_UNIT = re.compile(r"(?<=\d)\u200b(?=(?:天|日|小时|分钟|个月|周|年|元|分|件|次)(?:\u200b|[^\u4e00-\u9fff]|$))")


def on_post_build(config):
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    for doc in index["docs"]:
        doc["text"] = _NUMBER_AND_UNIT.sub("", doc["text"])
        doc["title"] = doc["title"].replace("\u200b", "")
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def on_serve(server, config, builder):
    for name in ("spec", "features", "README.md"):
        if (STATE.root / name).exists():
            server.watch(str(STATE.root / name))
    return server


# ---------------------------------------------------------------------------------------------------------
# Data


def _load(root: Path) -> None:
    STATE.feature_lines = {}
    try:
        STATE.load = load_spec(root / "spec")
    except SpecError as e:
        raise SystemExit(f"caaad site: {e}")
    spec = STATE.load.spec
    if STATE.load.findings:
        log.info(f"the spec has {len(STATE.load.findings)} problem(s); the site shows what loads (run `caaad lint`)")
    index = index_features(root / "features", spec.obligations)

    results = None
    env = os.environ.get("CAAAD_RESULTS")
    path = Path(env) if env else root / "caaad-report" / "results.json"
    STATE.results_note = ""
    if env or path.is_file():
        try:
            results = inputs.load_results(path, env or "caaad-report/results.json")
        except inputs.TraceInputError as e:
            STATE.results_note = f"results not shown: {e}"
            log.info(f"caaad site: {STATE.results_note}")
    known, STATE.known_note = _optional(root, inputs.KNOWN_GAPS_FILE, inputs.load_known_gaps, "known gaps")
    kills, STATE.kills_note = _optional(root, inputs.KILL_MATRIX_FILE, inputs.load_kill_matrix, "kill matrix")
    STATE.matrix = build(spec, index, results, known, kills, rule_index())


def _optional(root: Path, name: str, load, what: str):
    """(the spec directory's file `name` loaded, or None; a note when it is there but unusable)."""
    path = root / "spec" / name
    if not path.is_file():
        return None, ""
    try:
        return load(path, f"spec/{name}"), ""
    except inputs.TraceInputError as e:
        log.info(f"caaad site: {what} not shown: {e}")
        return None, f"{what} not shown: {e}"


def _pages() -> dict[str, str]:
    m = STATE.matrix
    pages = {
        "index.md": _home(),
        "standard/index.md": _standard_index(),
        "standard/front-matter.md": _front_matter(),
        "standard/terms.md": _terms(),
        "standard/normative-references.md": _normative_references(),
        "standard/bibliography.md": _bibliography(),
        "matrix.md": _matrix_page(),
        "vendors/contract.md": _contract_page(),
        "auditors/verdict-rules.md": _verdict_rules_page(),
    }
    for group, title, entries in m.groups:
        pages[GROUP_PAGE.format(group)] = _group_page(group, title, entries)
    return pages


def group_link(item: str) -> str:
    """Link from the site root to a clause heading or obligation card on its group page."""
    row = STATE.matrix.rows.get(item)
    clause = row.obligation.clause_id if row else item
    return f"{GROUP_PAGE.format(group_of(clause))}#{item}"


# ---------------------------------------------------------------------------------------------------------
# Markdown helpers


def _indent(text: str, by: int = 4) -> str:
    pad = " " * by
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


def _tabs(zh: str, en: str, en_note: str = "") -> str:
    """Content tabs 中文 / English (pymdownx.tabbed, alternate style)."""
    en_text = en + (f"\n\n<small>{en_note}</small>" if en_note else "")
    return f'=== "中文"\n\n{_indent(zh)}\n\n=== "English"\n\n{_indent(en_text)}\n'


def _translation(status: str) -> str:
    return {"draft": "译文草稿 draft translation", "reviewed": "译文已审校 reviewed translation",
            "official": "官方译文 official translation"}.get(status, status)


def _esc(text: str) -> str:
    """Text from the spec inside Markdown: keep it literal."""
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", str(text)).replace("\n", " ")


def _anchor(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.\-]+", "-", text).strip("-")


def _toc_label(text: str, length: int = 14) -> str:
    """The start of a text, for the table of contents (a data-toc-label attribute value)."""
    text = re.sub(r'["{}\\\s]+', " ", text).strip()
    return text if len(text) <= length else text[:length] + "…"


def _editor_note(zh: str | None, en: str) -> list[str]:
    """A note by the kit's editors, set apart from the standard's own text."""
    title = "编者注 Editor's note" + ("" if zh else " (English only)")
    return [f'!!! note "{title}"', "", _indent("\n\n".join(t for t in (zh, en) if t)), ""]


INFERRED_BADGE = '<span class="caaad-badge caaad-inferred">强度推定 strength inferred</span>'


def _strength_class(strength: str) -> str:
    """shall and shall not are mandatory; should and should not recommended; may a permission; informative none."""
    if strength == "informative":
        return "informative"
    return "shall" if strength in ("shall", "shall_not") else ("should" if strength.startswith("should") else "may")


def _badge(kind: str, value) -> str:
    """A badge on an obligation card and in the legend: kind 'strength', 'mode' or 'outcome'."""
    if kind == "strength":
        css = f"caaad-strength caaad-{_strength_class(value)}"
        return f'<span class="caaad-badge {css}">{label(STRENGTH, value)}</span>'
    if kind == "mode":
        return f'<span class="caaad-badge caaad-mode">{label(MODE, value)}</span>'
    css = (value or "not_run").replace("_", "-")
    return f'<span class="caaad-badge caaad-outcome caaad-{css}">{outcome_label(value)}</span>'


def _legend() -> list[str]:
    """What the badges and the card edges mean, as a table for a page under standard/."""
    def badges(kind, values):
        return " ".join(_badge(kind, v) for v in values)
    return [
        "| 徽章 Badge | 含义 Meaning |", "|---|---|",
        f"| {badges('strength', ('shall', 'shall_not'))} | 强制性义务，卡片左缘为红色 Mandatory (red edge): "
        "conformance is decided on these |",
        f"| {badges('strength', ('should', 'should_not'))} | 推荐性义务，橙色 Recommended (orange edge): a failure "
        "is an observation, not a nonconformity |",
        f"| {badges('strength', ('may',))} | 允许，绿色 Permission (green edge) |",
        f"| {badges('strength', ('informative',))} | 资料性附录的文字，不构成要求，灰色 Informative annex text (grey edge): "
        "no requirement, never verified |",
        f"| {INFERRED_BADGE} | 条文无 GB/T 1.1 助动词，强度为本套件的解读，存疑 No GB/T 1.1 modal verb, parallel clause or "
        "law gives the strength: it is the kit's reading and doubtful (see the card's note) |",
        f"| {badges('mode', MODE)} | 验证方式 How it is verified: scenarios run through the "
        "adapter, evidence an auditor examines, or both ([verification modes](../auditors/index.md)) |",
        f"| {badges('outcome', OUTCOME)} | 结果 Outcome of a run's `results.json`; a "
        "documentary obligation stays *not tested* until an auditor has examined its evidence "
        "([outcomes](../auditors/outcomes.md)) |",
        "",
    ]


def _spec_problems_note() -> str:
    findings = STATE.load.findings
    if not findings:
        return ""
    items = "\n".join(f"    - `{_esc(f)}`" for f in findings[:20])
    more = f"\n    - … {len(findings) - 20} more" if len(findings) > 20 else ""
    return (f'!!! warning "规范数据有问题 The spec has problems"\n\n    {len(findings)} problem(s); clauses whose files do '
            f"not load are shown as not modelled. Run `caaad lint`.\n\n{items}{more}\n")


# ---------------------------------------------------------------------------------------------------------
# Pages


def _quick_start() -> tuple[list[str], str]:
    """The fenced code blocks of README.md's quick start section, and where they came from."""
    readme = STATE.root / "README.md"
    if readme.is_file():
        lines = readme.read_text(encoding="utf-8").splitlines()
        start = next((i for i, line in enumerate(lines)
                      if re.match(r"#{1,6}\s+.*(quick\s*start|快速开始|快速上手)", line, re.I)), None)
        if start is not None:
            level = len(lines[start]) - len(lines[start].lstrip("#"))
            blocks, block, fence = [], [], None
            for line in lines[start + 1:]:
                if fence is None and re.match(rf"#{{1,{level}}}\s", line):
                    break  # the next section
                if fence is None and re.match(r"\s*(```|~~~)", line):
                    fence, block = line.strip()[:3], []
                elif fence is not None and line.strip().startswith(fence):
                    blocks.append("\n".join(block))
                    fence = None
                elif fence is not None:
                    block.append(line)
            if blocks:
                return blocks, "README.md"
    return list(FALLBACK_QUICK_START), ""


def _home() -> str:
    spec = STATE.load.spec
    m = STATE.matrix
    s = m.summary()
    std = spec.standard
    title = std.get("title", {})
    blocks, source = _quick_start()
    quick = "\n\n".join(f"```sh\n{b}\n```" for b in blocks)
    results = (f"`{m.results.file}` (profile {m.results.profile or '?'}, started {m.results.started_at or '?'})"
               if m.results else "未运行 / not run")
    teeth = (f"| 检出力 Teeth: of these, failed by a broken variant | {s['with_killing_variant']} of "
             f"{s['with_scenarios']} ({teeth_percent(s)}) |\n") if m.kills else ""
    return f"""---
title: 首页 Home
---

# caaad · {std.get('code', 'T/CAAAD 001—2023')}《{title.get('zh', '')}》

**caaad** 是团体标准 {std.get('code', '')}《{title.get('zh', '')}》的一致性测试工具包：标准的每一条款都成为数据，\
可由系统行为证明的义务配有可执行的场景（覆盖情况见下文“现状”），每一次运行都生成逐条款的报告。

**caaad** is the conformance kit for {std.get('code', '')}, *{title.get('en', '')}*: the standard as data,
executable scenarios for the obligations a system's behaviour can show (coverage under Status below), and
clause-by-clause reports.

- **读者 Readers** — [标准全文（中英对照）The standard, Chinese and English](standard/index.md): each clause with
  its obligations and the scenarios that verify them.
- **厂商 Vendors** — [运行一致性测试 Run the suite against your system](vendors/index.md) and
  [读懂报告 read the report](vendors/report.md); the [adapter contract](vendors/contract.md).
- **审核员 Auditors** — [验证方式与证据 Verification and evidence](auditors/index.md),
  [结果与汇总 outcomes and roll-up](auditors/outcomes.md).
- **追溯 Traceability** — [追溯矩阵 Matrix](matrix.md): clause → obligation → scenarios → outcome, and the gaps.

## 快速开始 Quick start

{quick}

{'<small>From ' + source + '.</small>' if source else ''}

## 现状 Status

| 项目 Item | 数量 Count |
|---|---|
| 条款 Clauses | {s['clauses_modelled']} of {s['clauses']} modelled |
| 义务 Obligations | {s['obligations']} ({s['mandatory']} shall / shall not) |
| 可执行义务有场景 Automated or hybrid obligations with a scenario | {s['with_scenarios']} of {s['automated_or_hybrid']} |
| 场景 Scenarios | {s['scenarios']} in {s['feature_files']} feature files (an outline runs once per example) |
{teeth}| 结果 Results | {results} |
| 工具包 Kit | caaad {__version__}; spec `{spec.digest[:19]}…` |

{_spec_problems_note()}
"""


def _standard_index() -> str:
    spec = STATE.load.spec
    std = spec.standard
    title = std.get("title", {})
    publisher = std.get("publisher", {})
    rows = [("编号 Code", std.get("code", "")), ("名称 Title", f"{title.get('zh', '')}<br>{title.get('en', '')}"),
            ("发布 Publisher", f"{publisher.get('zh', '')} {publisher.get('en', '')}"), ("ICS", std.get("ics", "")),
            ("CCS", std.get("ccs", "")), ("发布日期 Published", std.get("published", "")),
            ("实施日期 Effective", std.get("effective", "")), ("起草规则 Drafting rules", std.get("drafting_rules", ""))]
    out = [f"# {std.get('code', '')} {title.get('zh', '')}", "", f"*{title.get('en', '')}*", "",
           "| 项目 Item | 内容 Detail |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows if v), "",
           "## 目次 Contents", "",
           "- [前言 Foreword](front-matter.md#foreword) · [引言 Introduction](front-matter.md#introduction)"]
    groups = {g for g, _, _ in STATE.matrix.groups}
    clause_ids = {c.id for c in STATE.matrix.clauses()}
    for entry in std.get("toc", ()):
        cid, kind, t = entry.get("id"), entry.get("kind"), entry.get("title", {})
        text = f"{cid} {t.get('zh', '')} {t.get('en', '')}"
        if kind == "scope":
            target = "front-matter.md#scope"
        elif kind == "normative-reference":
            target = "normative-references.md"
        elif kind == "terms":
            target = "terms.md"
        elif kind == "term":
            target = f"terms.md#{cid}"
        elif cid in groups:
            target = GROUP_PAGE.format(cid).split("/", 1)[1]
        elif cid in clause_ids:
            target = group_link(cid).split("/", 1)[1]  # relative to standard/
        else:
            target = None
        depth = 0 if kind in ("scope", "normative-reference", "terms") or (kind == "section" and "." not in cid) else (
            cid.count(".") if cid[0].isdigit() else 1)
        out.append("    " * depth + (f"- [{text}]({target})" if target else f"- {text}"))
    out += ["- [参考文献 Bibliography](bibliography.md)", "", "## 图例 Legend", "",
            "Each obligation of the clause pages is a card with these badges.", "", *_legend(),
            "## 引用的法律 Laws cited", "",
            "Obligations cite these laws by abbreviation and article.", "",
            "| 简称 Abbr. | 名称 Title | 版本 Edition |", "|---|---|---|"]
    for law in std.get("laws", ()):
        t = law.get("title", {})
        out.append(f"| <span id=\"law-{_anchor(law['abbr'])}\"></span>{law['abbr']} | {t.get('zh', '')}<br>"
                   f"{t.get('en', '')} | {law.get('edition', '')} |")
    return "\n".join(out) + "\n"


def _paragraphs(items, heading: str, anchor: str) -> str:
    items = list(items or ())
    if not items:
        return f"## {heading} {{ #{anchor} }}\n\n*(not in spec/standard.yaml yet)*\n"
    zh = "\n\n".join(i["zh"] for i in items)
    en = "\n\n".join(i["en"] for i in items)
    statuses = {i.get("translation_status", "draft") for i in items}
    return f"## {heading} {{ #{anchor} }}\n\n" + _tabs(zh, en, " · ".join(map(_translation, sorted(statuses))))


def _front_matter() -> str:
    std = STATE.load.spec.standard
    return "\n".join([
        "# 前言、引言和范围 Foreword, introduction and scope", "",
        _paragraphs(std.get("foreword"), "前言 Foreword", "foreword"),
        _paragraphs(std.get("introduction"), "引言 Introduction", "introduction"),
        _paragraphs(std.get("scope"), "1 范围 Scope", "scope"),
    ])


def _terms() -> str:
    out = ["# 3 术语和定义 Terms and definitions", ""]
    for t in STATE.load.spec.terms:
        out += [f"## {t.id} {t.term.zh} <small>{t.term.en}</small> {{ #{t.id} }}", "",
                _tabs(t.definition.zh, t.definition.en, _translation(t.definition.translation_status))]
    return "\n".join(out) + "\n"


def _normative_references() -> str:
    refs = STATE.load.spec.standard.get("normative_references") or {}
    out = ["# 2 规范性引用文件 Normative references", ""]
    if refs.get("lead_in"):
        li = refs["lead_in"]
        out += [_tabs(li["zh"], li["en"], _translation(li.get("translation_status", "draft"))), ""]
    for doc in refs.get("documents", ()):
        t = doc.get("title", {})
        out += [f"## {doc['code']} {t.get('zh', '')} {{ #{_anchor(doc['code'])} }}", "", f"*{t.get('en', '')}*", ""]
        if doc.get("note"):
            out += _editor_note(doc["note"].get("zh"), doc["note"]["en"])
    return "\n".join(out) + "\n"


def _bibliography() -> str:
    out = ["# 参考文献 Bibliography", ""]
    for item in STATE.load.spec.standard.get("bibliography", ()):
        text = item["text"]
        out += [f"\\[{item['n']}\\] {text['zh']}<br>", f"<small>{text['en']}</small>", ""]
    return "\n".join(out) + "\n"


def _group_page(group: str, title, entries) -> str:
    heading = f"{group} {title.zh} <small>{title.en}</small>" if title else group
    out = [f"---\ntitle: {group} {title.zh if title else ''}\n---", "", f"# {heading}", ""]
    if group == "A":
        out += ['!!! info "资料性附录 Informative annex"', "",
                "    附录A为资料性附录。 Annex A is informative.", ""]
    out += _contents(entries)
    out += ['??? info "图例 Legend: badges and card colours"', "", _indent("\n".join(_legend())), ""]
    for entry in entries:
        out += _clause(entry)
    return "\n".join(out) + "\n"


def _contents(entries) -> list[str]:
    """The clauses of a group page and links to their obligation cards: the page's own table of contents."""
    out = ["| 条款 Clause | 义务 Obligations |", "|---|---|"]
    for entry in entries:
        title = f" {entry.title.zh} {entry.title.en}" if entry.title else ""
        cards = " · ".join(f"[{row.id.removeprefix(entry.id + '.')}](#{row.id})" for row in entry.rows)
        out.append(f"| [{entry.id}{title}](#{entry.id}) | {cards or '—'} |")
    return out + [""]


def _clause(entry) -> list[str]:
    title = entry.title
    head = f"## {entry.id} {title.zh} <small>{title.en}</small> {{ #{entry.id} }}" if title else f"## {entry.id} {{ #{entry.id} }}"
    out = [head, ""]
    if not entry.modelled:
        broken = [f for f in STATE.load.findings if f.file.endswith(f"clauses/{entry.id}.yaml")]
        why = (f"`spec/clauses/{entry.id}.yaml` does not load: `{_esc(broken[0])}`" if broken
               else f"`spec/clauses/{entry.id}.yaml` is not written yet")
        return out + ['!!! warning "尚未建模 Not modelled yet"', "", f"    {why}.", ""]
    clause = STATE.load.spec.clause(entry.id)
    if clause.editorial_title:
        out += ["<small>标准原文未印标题，此标题为编者所加。 The standard prints no title here; this one is editorial.</small>", ""]
    doc = STATE.load.documents.get(clause.source.file)
    notes = doc.data.get("notes") if doc and isinstance(doc.data, dict) else None
    if notes:
        out += _editor_note(None, str(notes))
    if clause.lead_in:
        out += [_tabs(clause.lead_in.zh, clause.lead_in.en, _translation(clause.lead_in.translation_status)), ""]
    for statement in clause.statements:
        if statement.id != clause.id:
            letter = statement.id.rsplit(".", 1)[1]
            toc = _toc_label(f"{letter}) {statement.text.zh}")
            out += [f'### {letter}) {{ #{statement.id} data-toc-label="{toc}" }}', ""]
        out += [_tabs(statement.text.zh, statement.text.en, _translation(statement.text.translation_status)), ""]
        for o in statement.obligations:
            out += _card(STATE.matrix.rows[o.id])
    return out


def _legal_refs(o) -> str:
    """The obligation's legal references, one line per law: the law once, then its articles."""
    laws = {law.get("abbr"): law for law in STATE.load.spec.standard.get("laws", ())}
    by_law: dict[str, list] = {}
    for r in o.legal_refs:
        by_law.setdefault(r.law, []).append(r)
    lines = []
    for abbr, refs in by_law.items():
        law = laws.get(abbr)
        t = law.get("title", {}) if law else {}
        name = f" 《{t['zh']}》 <small>{t.get('en', '')}</small>" if t.get("zh") else ""
        link = f"[{abbr}](index.md#law-{_anchor(abbr)})" if law else abbr
        articles = "; ".join(f"第{r.article}条 Art. {r.article}" + (f" <small>({_esc(r.note)})</small>" if r.note else "")
                             for r in refs)
        lines.append(f"{link}{name}: {articles}")
    return "<br>".join(lines)


def _card(row) -> list[str]:
    o = row.obligation
    m = STATE.matrix
    badges = " ".join([_badge("strength", o.strength)] + ([INFERRED_BADGE] if o.strength_inferred else [])
                      + [_badge("mode", o.mode), _badge("outcome", row.outcome)])
    actor = label(ACTOR, o.actor) + (f" (+ {', '.join(label(ACTOR, a) for a in o.co_actors)})" if o.co_actors else "")
    inferred = "（推定 inferred）" if o.strength_inferred else ""
    facts = [("情态动词 Modal verb", f"{o.modal or '无 none'} → {o.strength.replace('_', ' ')}{inferred}"),
             ("主体 Actor", actor), ("阶段 Phase", label(PHASE, o.phase))]
    for p in o.params:
        unit = UNITS.get(p.unit, p.unit or "")
        if p.kind == "fixed":
            value = f"{p.value} {unit}"
        else:
            value = f"平台规定 platform rule, declared by the system ({unit})"
            if p.legal_max is not None:
                value += f"; 法定上限 legal maximum {p.legal_max}"
        desc = f"<br><small>{_esc(p.description.zh)} {_esc(p.description.en)}</small>" if p.description else ""
        facts.append(("参数 Parameter", f"`{p.name}`: {value}{desc}"))
    if o.legal_refs:
        facts.append(("法律依据 Legal basis", _legal_refs(o)))
    if row.reason:
        facts.append(("结果说明 Outcome", f"{outcome_label(row.outcome)} — {_esc(row.reason)}"))
    facts.append(("来源 Source", f"`{o.source}`"))

    out = [f'<div class="caaad-card caaad-card-{_strength_class(o.strength)}" markdown>', "",
           f"#### {o.id} {{ #{o.id} }}", "", badges, "",
           _tabs(o.text.zh, o.text.en, _translation(o.text.translation_status)), ""]
    for term, value in facts:
        out += [term, f":   {value}", ""]
    if o.classification_note:
        title = "强度为本套件推定 Strength inferred by the kit" if o.strength_inferred else "强度归类说明 Why this strength"
        out += [f'??? note "{title}"', "", _indent(_esc(o.classification_note.zh)), "",
                _indent(_esc(o.classification_note.en)), ""]
    if o.automated:
        out += ["**场景检查 What the scenarios check**", "", _tabs(o.automated.zh, o.automated.en), ""]
    if o.evidence:
        out += ["**证据 Evidence the auditor examines**", "",
                "| 编号 No. | 审查 Examine | 通过准则 Pass criterion |", "|---|---|---|"]
        out += [f"| {e.id} | {_esc(e.examine.zh)}<br><small>{_esc(e.examine.en)}</small> | "
                f"{_esc(e.criterion.zh)}<br><small>{_esc(e.criterion.en)}</small> |" for e in o.evidence]
        out.append("")
    if o.executable:
        out += [f"**验证场景 Scenarios** ({len(row.scenarios)})", ""]
        for sc in row.scenarios:
            out += _scenario_block(sc, m.scenario_outcome(sc))
        if not row.scenarios:
            reason = f" Known gap: {_esc(row.known_reason)}" if row.known_reason else ""
            out += ['!!! warning "尚无场景 No scenario yet"', "",
                    f"    No scenario is tagged `@req:{o.id}` yet.{reason}", ""]
        elif m.kills:
            out += _teeth(row)
    out += ["</div>", ""]
    return out


def _teeth(row) -> list[str]:
    """The reference system's rule for the obligation and the broken variants the suite catches on it."""
    rules = ", ".join(f"`{r}`" for r in row.rules) or "无 none"
    killers = ", ".join(f"`{v}`" for v in row.killers) or "无 none"
    out = ["参考规则 Reference rule", f":   {rules} <small>(reference_impl/rules)</small>", "",
           "失效变体 Killing variants", f":   {killers} <small>(tests/suite/mutants.py: broken systems the suite "
           "fails on this obligation)</small>", ""]
    if not row.rules or not row.killers:
        reason = f" Known gap: {_esc(row.known_reason)}" if row.known_reason else ""
        out += ['!!! warning "检出力不足 No teeth yet"', "",
                f"    The suite does not yet show that it catches a system breaking {row.id}.{reason}", ""]
    return out


_BLOCK_END = re.compile(r"\s*(场景大纲|场景剧本|剧本大纲|场景|剧本|规则|Scenario|Rule)\s*:|\s*@")


def _feature_lines(file: str) -> list[str] | None:
    """The lines of a feature file (read once per build: its scenarios are shown on many cards), None if unreadable."""
    if file not in STATE.feature_lines:
        try:
            path = STATE.root / "features" / Path(file).relative_to("features")
            STATE.feature_lines[file] = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            STATE.feature_lines[file] = None
    return STATE.feature_lines[file]


def _scenario_source(scenario) -> tuple[int, str]:
    """The scenario as written (its tags, steps and examples), with the line of its first line."""
    lines = _feature_lines(scenario.file)
    if lines is None:
        return scenario.line, "\n".join(scenario.steps)
    start = scenario.line - 1
    while start > 0 and lines[start - 1].strip().startswith("@"):
        start -= 1
    end = scenario.line
    while end < len(lines) and not _BLOCK_END.match(lines[end]):
        end += 1
    while end > scenario.line and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    block = lines[start:end]
    pad = min((len(l) - len(l.lstrip()) for l in block if l.strip()), default=0)
    return start + 1, "\n".join(l[pad:] for l in block)


def _scenario_block(scenario, outcome) -> list[str]:
    first, source = _scenario_source(scenario)
    kind = "failure" if outcome in ("failed", "error") else ("success" if outcome == "passed" else "example")
    title = f"{_esc(scenario.name)} — {scenario.location} — {outcome_label(outcome)}".replace('"', "'")
    fence = "````" if "```" in source else "```"
    return [f'??? {kind} "{title}"', "",
            _indent(f'{fence} gherkin title="{scenario.file}" linenums="{first}"\n{source}\n{fence}'), ""]


def _matrix_page() -> str:
    text = render_markdown(STATE.matrix, link=group_link)
    notes = [n for n in (STATE.results_note, STATE.known_note, STATE.kills_note) if n]
    extra = "".join(f'!!! warning "注意 Note"\n\n    {_esc(n)}\n\n' for n in notes) + _spec_problems_note()
    if extra:
        head, _, rest = text.partition("\n\n")
        text = f"{head}\n\n{extra}\n{rest}"
    return text


def _contract_page() -> str:
    if importlib.util.find_spec("caaad.contract.render") is None:
        return ("# 适配器契约 Adapter contract\n\n"
                "The adapter contract (the operations a system under test answers, as versioned JSON Schemas) is "
                "documented in `caaad/contract/` of the kit.\n")
    from caaad.contract import load_contract
    from caaad.contract.render import render_markdown
    try:
        return render_markdown(load_contract())
    except Exception as e:  # a bug in the contract or its renderer: say so, and fail a strict build
        log.warning(f"caaad site: the adapter contract page could not be rendered: {type(e).__name__}: {e}")
        return f"# 适配器契约 Adapter contract\n\nThe contract page could not be rendered: `{_esc(e)}`\n"


def _verdict_rules_page() -> str:
    """The roll-up and verdict rules an auditor cites, rendered from the data certification applies."""
    from caaad.certify.rules import render_markdown
    return render_markdown()
