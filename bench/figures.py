"""Benchmark: every figure of issue 11 with its ratio, in one invocation (by hand; nothing here asserts a time).

    .venv/bin/python bench/figures.py [--reps N] [--sizes 1,2,5,10] [--kit-tests]

Figures, each a median of N whole processes run in turn (the order rotated each repetition, so that the load
of this shared machine falls on all alike), and ratios taken within this invocation:
1. the run loop (pytest's run loop of one in-process `caaad run`) against the floor loop (the same adapter
   calls replayed on fresh ReferenceAdapters: bench_suite.py --floor), goal <= 2;
   the whole `caaad run` process against the whole floor process, goal <= 4; where the environment sets
   PYTHONDONTWRITEBYTECODE (this checkout's kit is an editable install, so its modules have no bytecode and are
   compiled at every start), both processes also with bytecode cached (PYTHONPYCACHEPREFIX in the temporary
   folder, written by a first run), as a vendor's `pip install .`, which compiles the kit, has it.
2. the suite at k times its scenarios (features/ copied k times, scenario names suffixed; CAAAD_FEATURES_DIR),
   serial and `-n 2`: 10x against 1x (goal <= 10) and the smallest size at which `-n 2` is faster (crossover).
3. `caaad lint` and `caaad trace --check` (goal <= 0.5 s each), `mkdocs build --strict` (goal <= 4 s).
4. the broken variants (tests/suite/batch.py, as test_mutants.py runs them: the reference system traced, then
   each variant on the scenarios it can change), half of them (every second one) against all of them in one
   worker, which shows how the cost grows with variants (< 2: less than linear), and all of them on every scenario.
5. with --kit-tests: the kit's own tests as CI runs them (`pytest -q -n 2 --dist loadfile`; goal 60 s), once.

The repository is never written: reports, generated features and sites go to a temporary directory.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_suite import caaad_command, checked, counting_run  # noqa: E402

THIS = Path(__file__).resolve()
SUITE = ROOT / "tests" / "suite"
SCENARIO_LINE = re.compile(r"^(\s*(?:场景|场景大纲|剧本|剧本大纲):\s*)(.+?)\s*$", re.M)


def run_loop(out: str) -> int:
    """One `caaad run` in this process; prints how long pytest's run loop took."""
    import pytest

    from caaad import cli
    marks = {}

    class Loop:
        @pytest.hookimpl(wrapper=True)
        def pytest_runtestloop(self, session):
            marks["start"] = time.perf_counter()
            try:
                return (yield)
            finally:
                marks["end"] = time.perf_counter()

    real_main = pytest.main
    pytest.main = lambda args, plugins=(), **kw: real_main(args, plugins=[*plugins, Loop()], **kw)
    with open(os.devnull, "w") as quiet:
        stdout, sys.stdout = sys.stdout, quiet
        try:
            code = cli.main(["run", "-q", "--out", out])
        finally:
            sys.stdout = stdout
    print(json.dumps({"loop_s": marks["end"] - marks["start"]}))
    return code


def copies(features: Path, k: int, into: Path) -> Path:
    """features/ k times: copy i in folder c<i>, each scenario name suffixed so that names stay unique."""
    for i in range(k):
        for path in features.rglob("*.feature"):
            target = into / f"c{i}" / path.relative_to(features)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = path.read_text(encoding="utf-8")
            target.write_text(text if i == 0 else SCENARIO_LINE.sub(lambda m: f"{m[1]}{m[2]} 副本{i}", text), encoding="utf-8")
    return into


def timed(argv, env=None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, done


def rotated(jobs: dict, reps: int) -> dict[str, list[float]]:
    """Each job (argv, env, check) `reps` times, the order rotated each repetition; the wall times."""
    names, times = list(jobs), {name: [] for name in jobs}
    for rep in range(reps):
        for name in names[rep % len(names):] + names[:rep % len(names)]:
            argv, env, check = jobs[name]
            elapsed, done = timed(argv, env)
            if check and not check(done):
                sys.exit(f"bench: {name} did not run as expected (exit {done.returncode}):\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}")
            times[name].append(elapsed)
            if name.startswith("run loop"):
                times.setdefault("loop: " + name, []).append(json.loads(done.stdout.strip().splitlines()[-1])["loop_s"])
            if name.startswith("floor"):
                times.setdefault("loop: " + name, []).append(json.loads(done.stdout)["loop_s"])
    return times


def passed(done) -> bool:
    return done.returncode == 0


def line(label: str, value: float, goal: str = "", unit: str = "") -> None:
    print(f"   {label:<58}{value:9.2f}{unit:<3} {goal}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3, help="repetitions of each whole process (medians)")
    parser.add_argument("--sizes", default="1,2,5,10", help="suite sizes, in copies of features/, for figure 2")
    parser.add_argument("--kit-tests", action="store_true", help="also time the kit's own tests (pytest -q), once")
    parser.add_argument("--run-loop", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_loop:
        return run_loop(args.run_loop)
    began = time.perf_counter()
    print(f"cores {os.cpu_count()}; load average at start " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    caaad = caaad_command()
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="caaad-figures-") as tmp:
        tmp = Path(tmp)
        trace, _, _ = counting_run(tmp, caaad, "-q")
        checked([py, str(ROOT / "bench" / "bench_suite.py"), "--floor", str(trace), "--verify"], what="the floor (verify)")

        # 1 and 3: whole processes
        jobs = {
            "floor process": ([py, str(ROOT / "bench" / "bench_suite.py"), "--floor", str(trace)], None, passed),
            "caaad run process": (caaad + ["run", "-q", "--out", str(tmp / "r")], None, passed),
            "run loop (caaad run in process)": ([py, str(THIS), "--run-loop", str(tmp / "l")], None, passed),
            "caaad lint": (caaad + ["lint"], None, passed),
            "caaad trace --check": (caaad + ["trace", "--check"], None, passed),
            "mkdocs build --strict": ([str(Path(py).parent / "mkdocs"), "build", "--strict", "-q", "-d", str(tmp / "site")],
                                      dict(os.environ, NO_MKDOCS_2_WARNING="1"), passed),
        }
        cached = {}  # process -> its job with bytecode cached, where the environment disables it
        if os.environ.get("PYTHONDONTWRITEBYTECODE") or sys.flags.dont_write_bytecode:
            env_pyc = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            env_pyc["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
            for process in ("floor process", "caaad run process"):
                cached[process] = f"{process}, bytecode cached"
                jobs[cached[process]] = (jobs[process][0], env_pyc, passed)
                checked(jobs[process][0], env=env_pyc, what=f"{cached[process]} (writing the bytecode)")
        times = rotated(jobs, args.reps)
        med = {name: statistics.median(values) for name, values in times.items()}
        print(f"\n1. the run against the floor (median of {args.reps}; min … max)")
        shown = ["floor process", "caaad run process", "loop: floor process", "loop: run loop (caaad run in process)"]
        for name in shown + list(cached.values()):
            line(f"{name} (s)", med[name], f"({min(times[name]):.2f} … {max(times[name]):.2f})")
        line("run loop / floor loop", med["loop: run loop (caaad run in process)"] / med["loop: floor process"], "goal <= 2", "x")
        line("whole process / whole floor process", med["caaad run process"] / med["floor process"], "goal <= 4", "x")
        if cached:
            line("the same, bytecode cached", med[cached["caaad run process"]] / med[cached["floor process"]], "goal <= 4", "x")
        print("\n3. lint, trace, site")
        for name, goal in (("caaad lint", 0.5), ("caaad trace --check", 0.5), ("mkdocs build --strict", 4)):
            line(f"{name} (s)", med[name], f"goal <= {goal} s ({min(times[name]):.2f} … {max(times[name]):.2f})")

        # 2: size, serial and -n 2
        sizes = [int(s) for s in args.sizes.split(",")]
        jobs = {}
        for k in sizes:
            features_env = dict(os.environ, CAAAD_FEATURES_DIR=str(copies(ROOT / "features", k, tmp / f"features{k}")))
            jobs[f"{k}x serial"] = (caaad + ["run", "-q", "--out", str(tmp / f"s{k}")], features_env, passed)
            jobs[f"{k}x -n 2"] = (caaad + ["run", "-q", "-n", "2", "--out", str(tmp / f"p{k}")], features_env, passed)
        times = rotated(jobs, args.reps)
        med = {name: statistics.median(values) for name, values in times.items()}
        print(f"\n2. suite size (copies of features/), whole `caaad run` processes, median of {args.reps}")
        print(f"   {'size':<8}{'serial s':>10}{'-n 2 s':>10}{'-n 2 / serial':>15}")
        crossover = None
        for k in sizes:
            serial, parallel = med[f"{k}x serial"], med[f"{k}x -n 2"]
            print(f"   {k:<8}{serial:10.2f}{parallel:10.2f}{parallel / serial:15.2f}")
            if crossover is None and parallel < serial:
                crossover = k
        if 1 in sizes and 10 in sizes:
            line("10x / 1x (serial)", med["10x serial"] / med["1x serial"], "goal <= 10", "x")
            line("10x / 1x (-n 2)", med["10x -n 2"] / med["1x -n 2"], "goal <= 10", "x")
        print(f"   crossover: -n 2 faster than serial from {crossover}x on" if crossover
              else "   crossover: -n 2 never faster at these sizes")

        # 4: the broken variants as test_mutants.py runs them (the reference traced, then each variant on the
        # scenarios it can change), half against all, and all of them on every scenario; one worker
        sys.path.insert(0, str(SUITE))
        import reach as reaching  # tests/suite/reach.py (`reach` below is the traced run's reach.json)
        from cascade import REFERENCE_NAME, adapter_of
        from test_mutants import CONFORMING, EXPECTED
        variants = [*EXPECTED, *CONFORMING]
        half = variants[::2]  # every second one: the list's order (older variants first) is no sample of their cost
        suite_env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(SUITE), os.environ.get("PYTHONPATH")])))
        batch = [py, str(SUITE / "batch.py")]
        reach = tmp / "traced" / REFERENCE_NAME / "reach.json"
        checked(batch + [str(tmp / "traced"), "--trace", f"{REFERENCE_NAME}={adapter_of(REFERENCE_NAME)}"],
                env=suite_env, what="the traced reference run")

        def selected(group):
            return batch + [str(tmp / f"v{len(group)}"), "--reach", str(reach), *(f"{n}={adapter_of(n)}" for n in group)]
        jobs = {"reference, traced": (batch + [str(tmp / "t"), "--trace", f"{REFERENCE_NAME}={adapter_of(REFERENCE_NAME)}"],
                                      suite_env, passed),
                f"{len(half)} variants, selected": (selected(half), suite_env, passed),
                f"{len(variants)} variants, selected": (selected(variants), suite_env, passed),
                f"{len(variants)} variants, every scenario": (batch + [str(tmp / "full"), *(f"{n}={adapter_of(n)}" for n in variants)],
                                                            suite_env, passed)}
        times = rotated(jobs, max(1, args.reps - 1))
        med = {name: statistics.median(values) for name, values in times.items()}
        print("\n4. broken variants in one pytest session (tests/suite/batch.py), one worker")
        for name in jobs:
            line(f"{name} (s)", med[name])
        a, b = med[f"{len(half)} variants, selected"], med[f"{len(variants)} variants, selected"]
        line(f"{len(variants)} / {len(half)} variants, selected", b / a, f"linear would be {len(variants) / len(half):.2f}", "x")
        traced = json.loads(reach.read_text(encoding="utf-8"))
        answers = reaching.Answers.load(reach.parent / "answers.pickle")
        runs = {len(group): sum(len(reaching.changeable(adapter_of(n), traced, answers)) for n in group)
                for group in (half, variants)}
        print(f"   scenario runs: {runs[len(half)]} for {len(half)} variants, {runs[len(variants)]} for {len(variants)} "
              f"(every scenario: {len(traced) * len(variants)})")
        line("selected / every scenario", b / med[f"{len(variants)} variants, every scenario"], "", "x")

        if args.kit_tests:
            elapsed, done = timed([py, "-m", "pytest", "-q", "-n", "2", "--dist", "loadfile"])  # as .ci/run
            tail = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "?"
            print("\n5. the kit's own tests")
            line(f"pytest -q (s): {tail}", elapsed, "goal 60 s")
            for failure in [l for l in done.stdout.splitlines() if l.startswith(("FAILED ", "ERROR "))]:
                print(f"   {failure}")  # so that a failure seen only here can be looked into
    print("\nload average at end " + " ".join(f"{x:.2f}" for x in os.getloadavg()) +
          f"; bench took {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
