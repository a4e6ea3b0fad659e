"""Benchmark: load + lint of the real spec and of a synthetic spec ten times larger.

Run by hand from the repository root (not a test):

    .venv/bin/python bench/bench_spec.py [--reps N]

1. Copies spec/ into a temporary directory and accepts every fingerprint there, so `caaad lint`
   runs its whole clean path (lint, then the summary, which loads the spec a second time). The
   repository's spec/ is never written.
2. Builds a spec ten times larger: the accepted copy plus nine renamed copies of every clause file
   (clause 5.1.1 -> 91.5.1.1 … 99.5.1.1, annex A.1 -> A.11 … A.91, statement and obligation ids
   renamed along), each added to the table of contents, so the large spec lints clean too.
3. Times whole processes (`python -m caaad lint --spec DIR`) and an import-only process, and
   prints medians and the ratio large/real, with and without the fixed start-up cost.
4. In-process breakdown: load_spec (YAML + schema + model) and each lint check, real vs large.

Linear behaviour shows as a ratio near 10 once start-up is taken out; a check whose ratio is far
above 10 is superlinear.
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from caaad import lint as lint_module  # noqa: E402
from caaad.accept import AcceptError, accept  # noqa: E402
from caaad.specload import _validators, load_spec  # noqa: E402

COPIES = 9  # the original plus nine copies: ten times the clauses, statements and obligations
EXECUTABLE = ("principle", "requirement", "annex")


def new_clause_id(cid: str, k: int) -> str:
    if cid.startswith("A"):
        number = cid.split(".")[1] if "." in cid else "0"
        return f"A.{k}{number}"
    return f"9{k}.{cid}"


def copy_clause(text: str, cid: str, new: str) -> str:
    # Quoted ids that are the clause id or start with it (statement "5.1.1.a", obligation "5.1.1.a-2").
    pattern = re.compile(r'(\bid:\s*)"' + re.escape(cid) + r'((?:\.[a-z])?(?:-[0-9]+)?)"')
    return pattern.sub(lambda m: f'{m.group(1)}"{new}{m.group(2)}"', text)


def build_large(real: Path, target: Path) -> None:
    shutil.copytree(real, target)
    standard = yaml.safe_load((real / "standard.yaml").read_text(encoding="utf-8"))
    toc = standard["toc"]
    extra = []
    for path in sorted((real / "clauses").glob("*.yaml")):
        cid = path.stem
        entry = next((e for e in toc if e["id"] == cid and e["kind"] in EXECUTABLE), None)
        if entry is None:
            continue
        text = path.read_text(encoding="utf-8")
        for k in range(1, COPIES + 1):
            new = new_clause_id(cid, k)
            (target / "clauses" / f"{new}.yaml").write_text(copy_clause(text, cid, new), encoding="utf-8")
            extra.append({**entry, "id": new})
    standard["toc"] = toc + extra
    (target / "standard.yaml").write_text(yaml.safe_dump(standard, allow_unicode=True, sort_keys=False, width=120),
                                          encoding="utf-8")


def run(argv) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def lint_exit(spec: Path) -> tuple[int, str]:
    p = subprocess.run([sys.executable, "-m", "caaad", "lint", "--spec", str(spec)], cwd=ROOT,
                       capture_output=True, text=True)
    last = (p.stdout.strip().splitlines() or [""])[-1] if p.returncode == 0 else p.stderr.strip().splitlines()[-1]
    return p.returncode, last


def median_times(commands: dict, reps: int) -> dict:
    """Median wall time of each command; repetitions interleaved so that a busy machine slows all alike."""
    for argv in commands.values():
        run(argv)  # warm the file cache
    times = {name: [] for name in commands}
    for _ in range(reps):
        for name, argv in commands.items():
            times[name].append(run(argv))
    return {name: statistics.median(values) for name, values in times.items()}


def in_process(specs: dict, reps: int) -> dict:
    """Per spec, median seconds of load_spec, of each lint check and of lint() as a whole (schema
    validators already compiled); repetitions interleaved between the specs."""
    checks = [getattr(lint_module, n) for n in dir(lint_module) if n.startswith("_check_")]
    times = {name: {} for name in specs}
    for spec in specs.values():
        _validators((spec / "schema").resolve())
    for _ in range(reps):
        for name, spec in specs.items():
            start = time.perf_counter()
            result = load_spec(spec)
            times[name].setdefault("load_spec", []).append(time.perf_counter() - start)
            for check in checks:
                start = time.perf_counter()
                list(check(result))
                times[name].setdefault(check.__name__, []).append(time.perf_counter() - start)
            start = time.perf_counter()
            lint_module.lint(spec)
            times[name].setdefault("lint() total (load + checks + sort)", []).append(time.perf_counter() - start)
    return {name: {step: (statistics.median(v), min(v)) for step, v in steps.items()} for name, steps in times.items()}


def size(spec: Path) -> str:
    s = load_spec(spec).spec
    return f"{len(s.clauses)} clauses, {len(s.statements)} statements, {len(s.obligations)} obligations"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="repetitions per measurement (median is reported)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="caaad-bench-") as tmp:
        real, large = Path(tmp) / "real" / "spec", Path(tmp) / "large" / "spec"
        shutil.copytree(ROOT / "spec", real)
        try:
            accepted = accept(real, ["all"])
            note = f"copy of spec/ with {len(accepted)} fingerprint(s) accepted"
        except AcceptError as e:
            note = f"copy of spec/ as is (accept refused: {e})"
        build_large(real, large)

        print(f"real:  {size(real)}  ({note})")
        print(f"large: {size(large)}")
        for name, spec in (("real", real), ("large", large)):
            code, last = lint_exit(spec)
            print(f"  caaad lint --spec <{name}>: exit {code}: {last[:110]}")

        print(f"\nwhole process, median of {args.reps} (python -m caaad lint --spec DIR):")
        lint_cmd = [sys.executable, "-m", "caaad", "lint", "--spec"]
        m = median_times({"base": [sys.executable, "-c", "import caaad.cli, caaad.lint, caaad.specload"],
                          "real": lint_cmd + [str(real)], "large": lint_cmd + [str(large)]}, args.reps)
        base, t_real, t_large = m["base"], m["real"], m["large"]
        print(f"  start-up + imports only   {base * 1000:8.1f} ms")
        print(f"  real                      {t_real * 1000:8.1f} ms")
        print(f"  large (10x)               {t_large * 1000:8.1f} ms")
        print(f"  ratio large/real          {t_large / t_real:8.2f}")
        print(f"  ratio without start-up    {(t_large - base) / (t_real - base):8.2f}   (linear: ~10)")

        print(f"\nin process, median of {args.reps} (ms); ratio of the fastest runs, which a busy machine disturbs least:")
        times = in_process({"real": real, "large": large}, args.reps)
        r, g = times["real"], times["large"]
        print(f"  {'step':40} {'real':>9} {'large':>9} {'ratio':>7}")
        for name in r:
            (r_med, r_min), (g_med, g_min) = r[name], g[name]
            ratio = g_min / r_min if r_min > 1e-6 else float("nan")
            flag = "  <-- superlinear?" if ratio > 15 and g_min > 0.005 else ""
            print(f"  {name:40} {r_med * 1000:9.2f} {g_med * 1000:9.2f} {ratio:7.2f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
