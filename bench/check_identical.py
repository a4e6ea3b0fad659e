"""Results identical, batched or not: every variant of tests/suite/test_mutants.py (and the reference system)
run once as a fresh `python -m caaad run` process each and once through tests/suite/batch.py as the kit's tests
run them (all of them in one pytest session per worker, the reference system traced first and each variant on the
scenarios it can change, tests/suite/reach.py); the outcome and message of every scenario, the outcome of every
obligation and the exit code must be the same.

    .venv/bin/python bench/check_identical.py [VARIANT ...]

Prints one line per variant that differs and a closing count; exits 1 if any differs."""

import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SUITE = Path(__file__).resolve().parent.parent / "tests" / "suite"
sys.path.insert(0, str(SUITE))

from cascade import adapter_of, essence, run_all, run_suite  # noqa: E402


def main(argv: list[str]) -> int:
    from test_mutants import CONFORMING, EXPECTED
    names = argv or ["ReferenceAdapter", *EXPECTED, *CONFORMING]
    base = Path(tempfile.mkdtemp(prefix="caaad-identical-"))
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        fresh = dict(pool.map(lambda n: (n, run_suite(adapter_of(n), base / "fresh" / n)), names))
    t_fresh = time.perf_counter() - start
    start = time.perf_counter()
    batched = run_all(names, base / "batched")
    t_batched = time.perf_counter() - start
    differing = [n for n in names if essence(*fresh[n]) != essence(*batched[n])]
    for name in differing:
        a, b = essence(*fresh[name]), essence(*batched[name])
        print(f"DIFFERS {name}: exit {a[0]} vs {b[0]}; scenarios "
              f"{sorted(set(a[1]) ^ set(b[1]))[:4]}; obligations {sorted(set(a[2]) ^ set(b[2]))[:4]}")
    scenarios = sum(len(fresh[n][1]["scenarios"]) for n in names)
    print(f"{len(names)} runs, {scenarios} scenario outcomes compared: {len(differing)} differ; "
          f"fresh processes {t_fresh:.1f} s, batched {t_batched:.1f} s ({t_batched / t_fresh:.2f}×)")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
