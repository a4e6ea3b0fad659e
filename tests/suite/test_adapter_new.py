"""`caaad adapter new`: the skeleton a vendor starts from runs, and reports every scenario as error naming the
operation still to connect (or not_tested), never as passed."""

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

import launch
from caaad.contract import load_contract
from test_run import caaad_run


def caaad(*args):
    done = launch.caaad(*args, timeout=60)
    assert "Traceback" not in done.stdout + done.stderr
    return done


def methods(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    adapter = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Adapter")
    return {f.name: ast.get_docstring(f) for f in adapter.body if isinstance(f, ast.FunctionDef)}


def test_the_skeleton_has_every_operation_of_the_chosen_capabilities_with_its_shapes(tmp_path):
    done = caaad("adapter", "new", tmp_path / "a", "--capabilities", "core,returns,idempotency")
    assert done.returncode == 0, done.stderr
    contract = load_contract()
    wanted = {name for name, op in contract.operations.items() if op.capability in ("core", "returns")}
    found = methods(tmp_path / "a" / "vendor_adapter.py")
    assert set(found) - {"__init__"} == wanted
    for name in wanted - {"clock_now", "clock_advance"}:
        doc = found[name]
        assert "Request:" in doc and "Response:" in doc and "Example request:" in doc, name
        for field in contract.operations[name].request_schema.get("properties", {}):
            assert f"  {field}: " in doc, (name, field)
    assert '"capabilities": ["core", "returns", "idempotency"]' in (tmp_path / "a" / "vendor_adapter.py").read_text()
    assert "PYTHONPATH=" in done.stdout and "--adapter vendor_adapter:Adapter" in done.stdout


def test_a_run_against_the_skeleton_errors_cleanly_and_never_passes(tmp_path):
    assert caaad("adapter", "new", tmp_path / "a", "--capabilities", "core,returns").returncode == 0
    done, results = caaad_run("--adapter", "vendor_adapter:Adapter", out=tmp_path / "out", path=tmp_path / "a")
    assert done.returncode == 1
    outcomes = Counter(s["outcome"] for s in results["scenarios"])
    assert outcomes and set(outcomes) <= {"error", "not_tested"}, outcomes
    errors = [s["message"] for s in results["scenarios"] if s["outcome"] == "error"]
    assert errors and all(m.startswith("AdapterFailure: operation ") and "is not implemented in this adapter yet" in m
                          for m in errors), errors[:3]
    assert not [o for o in results["obligations"] if o["outcome"] == "passed"]
    assert results["adapter"]["describe"]["capabilities"] == ["core", "returns"]


@pytest.mark.parametrize(("args", "line"), [
    (["--capabilities", "core,refunds"], "caaad: --capabilities core,refunds: no capability refunds in contract "),
    (["--module", "class"], "caaad: --module class: not a Python module name"),
])
def test_bad_options_are_one_line(tmp_path, args, line):
    done = caaad("adapter", "new", tmp_path / "a", *args)
    assert done.returncode == 2 and done.stderr.startswith(line) and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "a").exists()


def test_an_existing_adapter_is_never_overwritten(tmp_path):
    assert caaad("adapter", "new", tmp_path).returncode == 0
    (tmp_path / "vendor_adapter.py").write_text("# the vendor's work\n")
    done = caaad("adapter", "new", tmp_path)
    assert done.returncode == 2 and "exists; choose an empty folder (nothing was written)" in done.stderr
    assert (tmp_path / "vendor_adapter.py").read_text() == "# the vendor's work\n"


GUIDE = Path(__file__).resolve().parents[2] / "docs" / "vendors" / "index.md"


def splice(source: str, methods: str) -> str:
    """The skeleton with its methods of the same names replaced by `methods` (class-body source)."""
    names = {f.name for f in ast.parse("class Guide:\n" + methods).body[0].body if isinstance(f, ast.FunctionDef)}
    adapter = next(n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == "Adapter")
    lines = source.splitlines(keepends=True)
    replaced = [f for f in adapter.body if isinstance(f, ast.FunctionDef) and f.name in names]
    assert {f.name for f in replaced} == names, "the guide replaces methods the skeleton has"
    for f in sorted(replaced, key=lambda f: -f.lineno):
        del lines[f.lineno - 1:f.end_lineno]
    end = adapter.end_lineno - sum(f.end_lineno - f.lineno + 1 for f in replaced)
    return "".join(lines[:end]) + "\n" + methods + "".join(lines[end:])


def test_the_vendor_guide_walks_from_the_skeleton_to_a_first_passing_scenario(tmp_path):
    """The code in docs/vendors/index.md, pasted into a fresh skeleton as the guide says, passes 4.2-1."""
    block = re.search(r"<!-- first-scenario:begin -->\n```python\n(.*?)```\n<!-- first-scenario:end -->",
                      GUIDE.read_text(encoding="utf-8"), flags=re.S)
    assert caaad("adapter", "new", tmp_path / "a").returncode == 0
    module = tmp_path / "a" / "vendor_adapter.py"
    module.write_text(splice(module.read_text(encoding="utf-8"), block[1]), encoding="utf-8")
    done, results = caaad_run("--adapter", "vendor_adapter:Adapter", "-k", "可查询商家承诺的退货期限",
                              out=tmp_path / "out", path=tmp_path / "a")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [(s["location"], s["outcome"]) for s in results["scenarios"]] == [("features/4/4.2.feature:12", "passed")]
    assert next(o for o in results["obligations"] if o["id"] == "4.2-1")["outcome"] == "passed"
