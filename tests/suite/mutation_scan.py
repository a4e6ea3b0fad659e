"""Mutation scan of the reference system, by hand (not one of the kit's tests): which small changes to the
reference system the conformance suite does not notice.

    .venv/bin/python tests/suite/mutation_scan.py [--workers 2] [--out FILE] [MODULE ...]

MODULE is a path under reference_impl/ (default: every module of reference_impl/rules/). Each mutant is one
small change to one module: a comparison flipped (< and <=, == and !=, in and not in, is and is not), `and`
and `or` swapped, an integer moved by one, True and False swapped, a `not` dropped, `+` and `-` swapped, an
`if` negated. It is made in a copy of the package under another name and run through `caaad run --adapter`,
as a vendor's system is run. A mutant the suite passes has survived. Either the change keeps the system
conforming or the suite has a gap. It keeps the system conforming when it is more favourable to the consumer
than the law asks (7D Art 6, 5.1.3.c), when it is not observable through the contract, or when it changes a
rule the standard leaves to the platform. Each survivor is printed with its source line for review. A gap is
closed by a scenario and a broken variant pinned in tests/suite/mutants.py.

Every result goes to --out as JSON: module, line, column, mutation, the source line, the run's exit code
(0 survived, 1 failed, 2 refused to run, -9 stopped after --timeout seconds) and the obligations it failed. A
reviewer reads the failed ones too: a change more favourable to the consumer that fails is a false failure.
"""

import argparse
import ast
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from caaad.results import failing_obligations

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "caaad_mutant_reference"  # the copy's name: nothing else imports it, so each run loads the mutant
ADAPTER = f"{PACKAGE}.adapter:ReferenceAdapter"
FLIPPED = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
           ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}


@dataclass(frozen=True)
class Mutant:
    module: str   # path under reference_impl/
    line: int
    column: int
    mutation: str
    line_text: str  # the original source line, for the reviewer
    source: str     # the mutated module, whole (left out of --out)


def _changes(node: ast.AST):
    """(description, change) for each mutation of this one node; a change edits the node in place."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in FLIPPED:
                yield (f"{type(op).__name__} -> {FLIPPED[type(op)].__name__}",
                       lambda n, i=i: n.ops.__setitem__(i, FLIPPED[type(n.ops[i])]()))
    elif isinstance(node, ast.BoolOp):
        yield "and <-> or", lambda n: setattr(n, "op", ast.Or() if isinstance(n.op, ast.And) else ast.And())
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield f"{node.value} -> {not node.value}", lambda n: setattr(n, "value", not n.value)
    elif isinstance(node, ast.Constant) and isinstance(node.value, int):
        for delta in (1, -1):
            yield f"{node.value} -> {node.value + delta}", lambda n, d=delta: setattr(n, "value", n.value + d)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        yield "+ <-> -", lambda n: setattr(n, "op", ast.Sub() if isinstance(n.op, ast.Add) else ast.Add())
    elif isinstance(node, ast.If):
        yield "if negated", lambda n: setattr(n, "test", ast.UnaryOp(ast.Not(), n.test))


def _dropped_not(tree: ast.AST, index: int) -> None:
    """The `not` at walk position `index` replaced by its operand, wherever its parent holds it."""
    target = list(ast.walk(tree))[index]
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is target:
                setattr(parent, field, target.operand)
            elif isinstance(value, list) and target in value:
                value[value.index(target)] = target.operand


def mutants(module: str, text: str):
    tree, lines = ast.parse(text), text.splitlines()
    for index, node in enumerate(ast.walk(tree)):
        changes = list(_changes(node))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            changes.append(("not dropped", None))
        for description, change in changes:
            mutated = copy.deepcopy(tree)
            if change is None:
                _dropped_not(mutated, index)
            else:
                change(list(ast.walk(mutated))[index])
            yield Mutant(module, node.lineno, node.col_offset, description, lines[node.lineno - 1].strip(),
                         ast.unparse(ast.fix_missing_locations(mutated)))


def run(mutant: Mutant, folder: Path, timeout: float) -> tuple[int, list[str]]:
    """`caaad run` of the suite on the package copy in `folder` with this one mutant in place: its exit code and
    the obligations it failed (for a reviewer to ask whether the change was one the law allows)."""
    path = folder / PACKAGE / mutant.module
    original = path.read_text(encoding="utf-8")
    path.write_text(mutant.source, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")])))
    try:
        report = folder / "report"
        shutil.rmtree(report, ignore_errors=True)
        done = subprocess.run([sys.executable, "-m", "caaad", "run", "-q", "--adapter", ADAPTER, "--run-timeout",
                               str(timeout / 2), "--out", str(report)],
                              cwd=folder, env=env, capture_output=True, text=True, timeout=timeout)
        results = report / "results.json"
        failed = failing_obligations(json.loads(results.read_text(encoding="utf-8"))) if results.is_file() else []
        return done.returncode, [obligation["id"] for obligation in failed]
    except subprocess.TimeoutExpired:
        return -9, []
    finally:
        path.write_text(original, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE", help="paths under reference_impl/ (default: rules/*.py)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="runs at a time (default: the cores)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds before a run is stopped (default 180)")
    parser.add_argument("--out", type=Path, help="write every result here as JSON")
    args = parser.parse_args()
    if args.workers < 1 or args.timeout <= 0:
        return "mutation_scan: --workers must be at least 1 and --timeout more than 0"
    if args.out and not args.out.parent.is_dir():  # found now, not after the scan's 20 minutes
        return f"mutation_scan: --out {args.out}: no folder {args.out.parent}"
    source = ROOT / "reference_impl"
    modules = args.modules or sorted(p.relative_to(source).as_posix() for p in (source / "rules").glob("*.py")
                                     if p.name != "__init__.py")
    for module in modules:
        if not (source / module).is_file():
            return f"mutation_scan: reference_impl/{module}: no such module"
    jobs = [m for module in modules for m in mutants(module, (source / module).read_text(encoding="utf-8"))]
    print(f"{len(jobs)} mutants of {len(modules)} module(s), {args.workers} at a time", flush=True)
    with tempfile.TemporaryDirectory(prefix="caaad-mutants-") as tmp:
        folders = [Path(tmp) / f"w{k}" for k in range(args.workers)]
        for folder in folders:
            shutil.copytree(source, folder / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))

        def work(k: int) -> list[tuple[Mutant, int, list[str]]]:
            done = []
            for mutant in jobs[k::len(folders)]:
                code, failed = run(mutant, folders[k], args.timeout)
                done.append((mutant, code, failed))
                if code == 0:
                    print(f"survived  {mutant.module}:{mutant.line}:{mutant.column}  {mutant.mutation:<14} "
                          f"{mutant.line_text}", flush=True)
                elif code not in (1, -9):
                    print(f"exit {code}    {mutant.module}:{mutant.line}:{mutant.column}  {mutant.mutation}", flush=True)
            return done

        with ThreadPoolExecutor(len(folders)) as pool:
            results = [r for part in pool.map(work, range(len(folders))) for r in part]
    survived = sum(code == 0 for _, code, _ in results)
    print(f"{survived} of {len(results)} mutants survived")
    if args.out:
        args.out.write_text(json.dumps([{**{k: v for k, v in asdict(m).items() if k != "source"},
                                         "exit": code, "failed": failed}
                                        for m, code, failed in results], ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
