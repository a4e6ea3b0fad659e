"""How far each variant's defect spreads: the obligations it fails beyond the one it targets.

    PYTHONPATH=tests/suite python tests/suite/cascade.py [--out DIR] [--full] [Variant ...]

Runs the suite against each variant of mutants.py (the reference system and all pinned and conforming
variants of test_mutants.py when none is named; batch.py, one pytest session per worker; with the reference
system among them, each variant runs only the scenarios it can change, reach.py, unless --full) and prints
one row per variant: its target obligation, what failed, and the extras (failed obligations other than the
target), marking those test_mutants.py does not justify with `!`. test_mutants.py uses run_all() to run the
variants it checks.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import reach
from batch import ANSWERS_FILE, EXIT_FILE, REACH_FILE

HERE = Path(__file__).resolve().parent
REFERENCE = "caaad.reference_impl.adapter:ReferenceAdapter"
REFERENCE_NAME = "ReferenceAdapter"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))}


def _results(adapter: str, out: Path, stderr: str) -> dict:
    results = out / "results.json"
    assert results.is_file(), f"{adapter}: no results.json; stderr: {stderr[-500:]}"
    return json.loads(results.read_text(encoding="utf-8"))


def run_suite(adapter: str, out: Path, *args: str) -> tuple[int, dict]:
    """`python -m caaad run --adapter <adapter>` as a vendor runs it; its exit code and results.json."""
    done = subprocess.run([sys.executable, "-m", "caaad", "run", "--adapter", adapter, "--out", str(out), *args],
                          capture_output=True, text=True, env=_env(), timeout=600)
    return done.returncode, _results(adapter, out, done.stderr)


def adapter_of(name: str) -> str:
    return REFERENCE if name == REFERENCE_NAME else f"mutants:{name}"


def run_all(names: list[str], base: Path, workers: int = 2, adapters: dict[str, str] | None = None,
            select: bool = True) -> dict[str, tuple[int, dict]]:
    """The suite against each variant: `workers` processes at once, each running its share of the variants in
    one pytest session (batch.py), so that start-up and collection are paid once per worker, not per variant.
    `adapters` gives the MODULE:CLASS of a name that is not a variant of mutants.py. With `select` and the
    reference system among `names`, the reference runs first, traced, and each variant then runs only the
    scenarios it can change (reach.py); `select=False` runs every scenario of every variant."""
    adapter = (adapters or {}).get
    runs = {name: f"{name}={adapter(name) or adapter_of(name)}" for name in names}
    output, extra, cost = "", (), dict.fromkeys(runs, 1)
    if select and REFERENCE_NAME in runs:
        output = _batches([[runs.pop(REFERENCE_NAME)]], base, "--trace")
        reach_file = base / REFERENCE_NAME / REACH_FILE
        if reach_file.is_file():
            extra = ("--reach", str(reach_file))
            traced = json.loads(reach_file.read_text(encoding="utf-8"))
            answers = reach.Answers.load(reach_file.parent / ANSWERS_FILE)
            cost = {name: len(reach.changeable(run.partition("=")[2], traced, answers)) for name, run in runs.items()}
    # The heaviest first, each to the worker with the least so far: selected variants run unequal shares.
    shares: list[list[str]] = [[] for _ in range(min(workers, len(runs)))]
    load = [0] * len(shares)
    for name in sorted(runs, key=lambda n: -cost[n]):
        least = load.index(min(load))
        shares[least].append(runs[name])
        load[least] += cost[name]
    output += _batches(shares, base, *extra)
    return read_runs(names, base, output)


def _batches(shares: list[list[str]], base: Path, *extra: str) -> str:
    """batch.py once per share, all at once; their error output."""
    procs = [subprocess.Popen([sys.executable, str(HERE / "batch.py"), str(base), *extra, *share],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
             for share in shares]
    return "\n".join(p.communicate(timeout=1800)[1] for p in procs)


def read_runs(names: list[str], base: Path, output: str = "") -> dict[str, tuple[int, dict]]:
    """The exit code and results.json of each variant run into `base`."""
    runs = {}
    for name in names:
        out = base / name
        assert (out / EXIT_FILE).is_file(), f"{name}: the batch stopped before it; output: {output[-1500:]}"
        runs[name] = int((out / EXIT_FILE).read_text(encoding="ascii")), _results(adapter_of(name), out, output)
    return runs


def essence(code: int, results: dict) -> tuple:
    """What must not depend on how a system was run: the exit code, each scenario's outcome and message, each
    obligation's outcome."""
    return (code,
            tuple((s["id"], s["outcome"], s.get("message") or "") for s in results["scenarios"]),
            tuple((o["id"], o["outcome"]) for o in results["obligations"]))


def failing(results: dict) -> set[str]:
    return {o["id"] for o in results["obligations"] if o["outcome"] in ("failed", "error")}


def main(argv: list[str] | None = None) -> int:
    from test_mutants import CONFORMING, EXPECTED
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="*", help="variant names (default: every variant of test_mutants.py)")
    parser.add_argument("--out", type=Path, help="keep the runs here (default: a temporary folder)")
    parser.add_argument("--full", action="store_true",
                        help="run every scenario of every variant (default: the reference system first, then each "
                             "variant only on the scenarios it can change, as test_mutants.py does)")
    args = parser.parse_args(argv)
    names = args.variants or [REFERENCE_NAME, *EXPECTED, *CONFORMING]
    base = args.out or Path(tempfile.mkdtemp(prefix="caaad-cascade-"))
    runs = run_all(names, base, select=not args.full)
    print(f"{'variant':<36} {'target':<11} {'failed':>6} {'extras':>6}  extra obligations (! = not justified)")
    total = unjustified = 0
    for name in names:
        code, results = runs[name]
        failed = failing(results)
        pinned = EXPECTED.get(name)
        target = getattr(pinned, "target", "-")
        justified = set(getattr(pinned, "extras", {}))
        extras = sorted(failed - {target})
        marks = [e if e in justified else f"!{e}" for e in extras]
        total += len(extras)
        unjustified += sum(e not in justified for e in extras)
        missed = "" if name in CONFORMING or target in failed else "  (target NOT failed)"
        print(f"{name:<36} {target:<11} {len(failed):>6} {len(extras):>6}  {' '.join(marks)}{missed}")
    print(f"\n{len(names)} variants, {total} extra obligations failed, {unjustified} not justified; runs in {base}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
