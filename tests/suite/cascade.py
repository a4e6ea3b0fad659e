"""How far each variant's defect spreads: the obligations it fails beyond the one it targets.

    PYTHONPATH=tests/suite python tests/suite/cascade.py [--out DIR] [Variant ...]

Runs the suite against each variant of mutants.py (all pinned and conforming variants of
test_mutants.py when none is named; batch.py, one pytest session per worker) and prints one row per variant: its target obligation, what
failed, and the extras (failed obligations other than the target), marking those test_mutants.py
does not justify with `!`. test_mutants.py uses run_suite() to run the variants it checks.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from batch import EXIT_FILE

HERE = Path(__file__).resolve().parent
REFERENCE = "caaad.reference_impl.adapter:ReferenceAdapter"


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
    return REFERENCE if name == "ReferenceAdapter" else f"mutants:{name}"


def run_all(names: list[str], base: Path, workers: int = 2, adapters: dict[str, str] | None = None
            ) -> dict[str, tuple[int, dict]]:
    """The suite against each variant: `workers` processes at once, each running its share of the variants in
    one pytest session (batch.py), so that start-up and collection are paid once per worker, not per variant.
    `adapters` gives the MODULE:CLASS of a name that is not a variant of mutants.py."""
    adapter = (adapters or {}).get
    shares = [names[i::workers] for i in range(workers) if names[i::workers]]
    procs = [subprocess.Popen([sys.executable, str(HERE / "batch.py"), str(base),
                               *(f"{name}={adapter(name) or adapter_of(name)}" for name in share)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
             for share in shares]
    output = "\n".join(p.communicate(timeout=1800)[1] for p in procs)
    return read_runs(names, base, output)


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
    args = parser.parse_args(argv)
    names = args.variants or [*EXPECTED, *CONFORMING]
    base = args.out or Path(tempfile.mkdtemp(prefix="caaad-cascade-"))
    runs = run_all(names, base)
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
