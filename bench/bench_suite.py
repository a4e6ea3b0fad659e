"""Benchmark: the 5.4 conformance suite against the reference system, and what its time is spent on.

Run by hand from the repository root (not a test; nothing here asserts a time):

    .venv/bin/python bench/bench_suite.py [--reps N]

1. Counts the suite's calls: one `caaad run --adapter caaad_bench_counting:CountingAdapter` (a
   ReferenceAdapter subclass written to a temporary directory put on PYTHONPATH) records, for every
   adapter instance, each operation with the request it got and a digest of its answer.
2. Floor: `python bench/bench_suite.py --floor TRACE` replays those business flows in a plain loop:
   for each recorded instance a fresh ReferenceAdapter (as the suite makes one per scenario), then
   the very same requests in the same order, calling the adapter's methods directly: no
   ContractClient, no pytest, no Gherkin. The replay is checked once (--verify) to give answers
   identical to the suite's, so the floor is exactly the suite's business work.
3. Whole processes, repeated and interleaved (order rotated each repetition) so that machine load
   falls on all alike; medians of: start-up + imports only, the floor, `caaad run --out TMP`,
   `caaad run -n 2 --out TMP`, and (when this environment forbids writing bytecode) the suite with
   bytecode cached under a temporary PYTHONPYCACHEPREFIX. Ratios suite/floor and suite(-n 2)/suite.
4. In process, once with timers around the kit's functions (no profiler): pytest phases, and within
   the run loop contract validation vs adapter work vs adapter construction vs step code vs
   pytest-bdd's step lookup vs the rest (pytest + pytest-bdd machinery); then once under cProfile,
   summarised by package and by the top functions.

The repository is never written: reports, traces and bytecode go to a temporary directory.
"""

import argparse
import hashlib
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
THIS = Path(__file__).resolve()
CONTRACT_LOAD = "contract load (schemas compiled on the first call, then cached)"
LOAD_SPEC = "load_spec (spec YAML + schema + model)"
INDEX = "index_features (feature files parsed)"
RULES_YAML = "  of which load_platform_rules (platform_rules.yaml)"
STEP_LOOKUP = "pytest-bdd step lookup"
VALIDATION_KINDS = {"requests": "requests (all operations but describe)", "responses": "responses (idem)",
                    "describe": "describe() request + response (a new client per scenario)"}

# The counting adapter, written to a temporary directory and named with --adapter.
COUNTING_MODULE = '''
import atexit, copy, hashlib, json, os
from caaad.contract import load_contract
from caaad.reference_impl.adapter import ReferenceAdapter

INSTANCES = []  # one list of [op, request, answer digest] per adapter instance, in creation order


def _digest(answer):
    return hashlib.sha1(json.dumps(answer, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _counted(op):
    base = getattr(ReferenceAdapter, op)

    def method(self, request):
        entry = [op, copy.deepcopy(request), None]
        self._bench_calls.append(entry)
        answer = base(self, request)
        entry[2] = _digest(answer)
        return answer
    method.__name__ = op
    return method


class CountingAdapter(ReferenceAdapter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bench_calls = []
        INSTANCES.append(self._bench_calls)


for _op in load_contract().operations:
    setattr(CountingAdapter, _op, _counted(_op))


@atexit.register
def _write():
    with open(os.environ["CAAAD_BENCH_TRACE"], "w", encoding="utf-8") as f:
        json.dump({"pid": os.getpid(), "instances": INSTANCES}, f, ensure_ascii=False)
'''


# --- 2. the floor: the recorded business flows, adapter called directly ------------------------------------------------

def floor(trace_path: str, verify: bool) -> int:
    start = time.perf_counter()
    from caaad.reference_impl.adapter import ReferenceAdapter
    from caaad.reference_impl.records import ServiceError
    instances = json.loads(Path(trace_path).read_text(encoding="utf-8"))["instances"]
    loaded = time.perf_counter()
    counts: dict[str, int] = {}
    mismatches = 0
    constructing = 0.0
    for calls in instances:
        t = time.perf_counter()
        adapter = ReferenceAdapter()
        constructing += time.perf_counter() - t
        for op, request, digest in calls:
            try:
                answer = getattr(adapter, op)(request)
            except ServiceError:  # a refusal the suite provokes (e.g. an idempotency key reused): it recorded no answer
                answer = None
            if verify:
                counts[op] = counts.get(op, 0) + 1
                text = json.dumps(answer, sort_keys=True, ensure_ascii=False).encode()
                mismatches += (None if answer is None else hashlib.sha1(text).hexdigest()) != digest
    done = time.perf_counter()
    print(json.dumps({"instances": len(instances), "calls": sum(len(c) for c in instances), "counts": counts,
                      "mismatches": mismatches, "import_and_load_s": loaded - start, "loop_s": done - loaded,
                      "construction_s": constructing}))
    return 1 if mismatches else 0


# --- 4. in process: timers around the kit's functions ----------------------------------------------------------------

def breakdown(out_json: str, report_dir: str) -> int:
    """Runs `caaad run` in this process with timers around the kit's functions; writes the sums to out_json."""
    import functools
    import importlib
    from collections import Counter, defaultdict

    clock = time.perf_counter
    t_main = clock()
    import pytest

    from caaad import cli
    from caaad.contract import client as client_mod
    from caaad.contract import schema as schema_mod
    from caaad.reference_impl import adapter as adapter_mod
    from caaad.reference_impl import system as system_mod

    state = {"phase": "before session", "in_step": False, "step_t0": 0.0}
    acc: dict = defaultdict(float)
    cnt: Counter = Counter()
    marks: dict[str, float] = {}

    def add(cat: str, dt: float) -> None:
        acc[state["phase"], cat] += dt
        cnt[state["phase"], cat] += 1

    def timed(cat, fn, classify=None):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            t = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                dt = clock() - t
                add(classify(*args) if classify else cat, dt)
                if cat == "client _invoke" and state["in_step"]:
                    add("client _invoke inside step bodies", dt)
        return wrapper

    ra = adapter_mod.ReferenceAdapter
    # The contract is loaded (and cached) lazily by the kit; time its first load where it happens.
    schema_mod._load = timed(CONTRACT_LOAD, schema_mod._load)
    op_names = [n for n in vars(ra) if not n.startswith("_")]
    for op in op_names:
        setattr(ra, op, timed("adapter operations", getattr(ra, op)))
    ra.__init__ = timed("adapter construction", ra.__init__)
    system_mod.load_platform_rules = timed(RULES_YAML, system_mod.load_platform_rules)
    schema_mod.Contract.first_error = timed(
        "validation", schema_mod.Contract.first_error,
        classify=lambda self, op, part, instance: "validation: describe" if op == "describe" else f"validation: {part}s")
    client_mod.ContractClient._invoke = timed("client _invoke", client_mod.ContractClient._invoke)

    def patch_late():
        """Modules `caaad run` imports only once pytest runs: patched from pytest_configure, so that they are
        imported as in a normal run (after pytest's assertion-rewriting hook is installed)."""
        specload = importlib.import_module("caaad.specload")
        scenarios = importlib.import_module("caaad.scenarios")
        bdd_scenario = importlib.import_module("pytest_bdd.scenario")  # (the package's `scenario` is a function)
        specload.load_spec = timed(LOAD_SPEC, specload.load_spec)
        scenarios.index_features = timed(INDEX, scenarios.index_features)
        return bdd_scenario

    def patch_lookup(bdd_scenario):
        """The step lookup as the run uses it: the kit's cached one (caaad/steplookup.py), which the kit's plugin
        installs at session start."""
        bdd_scenario.get_step_function = timed(STEP_LOOKUP, bdd_scenario.get_step_function)

    class Timer:
        def _phase(name):  # noqa: N805 - a decorator factory used in the class body
            @pytest.hookimpl(wrapper=True)
            def hook(self, *args, **kwargs):
                state["phase"] = name
                marks[name + ":start"] = clock()
                try:
                    return (yield)
                finally:
                    marks[name + ":end"] = clock()
                    state["phase"] = "after session" if name == "session finish" else "between phases"
            return hook

        def pytest_configure(self):
            self.bdd_scenario = patch_late()

        def pytest_collection_finish(self):
            patch_lookup(self.bdd_scenario)

        pytest_sessionstart = _phase("session start")
        pytest_collection = _phase("collection")
        pytest_runtestloop = _phase("run loop")
        pytest_sessionfinish = _phase("session finish")

        def pytest_bdd_before_step_call(self):
            state["in_step"], state["step_t0"] = True, clock()

        def pytest_bdd_after_step(self):
            add("step bodies", clock() - state["step_t0"])
            state["in_step"] = False

        def pytest_bdd_step_error(self):
            self.pytest_bdd_after_step()

    real_main = pytest.main
    pytest.main = lambda args, plugins=(), **kw: real_main(args, plugins=[*plugins, Timer()], **kw)
    code = cli.main(["run", "--out", report_dir])
    total = clock() - t_main
    Path(out_json).write_text(json.dumps({
        "exit": code, "total": total, "marks": {k: v - t_main for k, v in marks.items()},
        "acc": [[phase, cat, secs, cnt[phase, cat]] for (phase, cat), secs in acc.items()]}), encoding="utf-8")
    return 0 if code == 0 else 1


def cprofile_run(out_prof: str, report_dir: str) -> int:
    import cProfile

    from caaad import cli
    profiler = cProfile.Profile()
    code = profiler.runcall(cli.main, ["run", "--out", report_dir])
    profiler.dump_stats(out_prof)
    return 0 if code == 0 else 1


# --- the parent: whole processes, reports -------------------------------------------------------------------------

def run(argv, env=None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    p = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, p


def checked(argv, env=None, what="") -> subprocess.CompletedProcess:
    _, p = run(argv, env)
    if p.returncode != 0:
        sys.exit(f"bench: {what or argv} exited {p.returncode}:\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return p


def counting_run(tmp: Path, caaad: list[str], *options: str) -> tuple[Path, dict, subprocess.CompletedProcess]:
    """One `caaad run` through the counting adapter: the trace of every call (what the floor replays), the
    environment that loads the adapter, and the finished process."""
    (tmp / "mods").mkdir()
    (tmp / "mods" / "caaad_bench_counting.py").write_text(COUNTING_MODULE, encoding="utf-8")
    trace = tmp / "trace.json"
    env = dict(os.environ, CAAAD_BENCH_TRACE=str(trace),
               PYTHONPATH=os.pathsep.join(filter(None, [str(tmp / "mods"), os.environ.get("PYTHONPATH")])))
    done = checked(caaad + ["run", *options, "--adapter", "caaad_bench_counting:CountingAdapter", "--out",
                            str(tmp / "count")], env, "the counting run")
    return trace, env, done


def caaad_command() -> list[str]:
    script = Path(sys.executable).parent / "caaad"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from caaad.cli import main; sys.exit(main())"]


def print_breakdown(data: dict, floor_loop: float) -> None:
    marks, total = data["marks"], data["total"]
    acc: dict = {}
    for phase, cat, secs, n in data["acc"]:
        acc[phase, cat] = (secs, n)

    def get(phase, cat):
        return acc.get((phase, cat), (0.0, 0))

    def total_of(cat):
        return sum(s for (_, c), (s, _) in acc.items() if c == cat), sum(n for (_, c), (_, n) in acc.items() if c == cat)

    def row(label, secs, n=None, indent=2):
        count = f"{n:6d}x" if n else " " * 7
        per = f"{secs / n * 1e6:9.1f} µs each" if n else ""
        print(f"{' ' * indent}{label:<{70 - indent}}{secs * 1000:9.1f} ms {count} {per}")

    def span(name):
        return marks.get(name + ":end", 0.0) - marks.get(name + ":start", 0.0)

    phases = [("before session", marks.get("session start:start", 0.0)),
              ("session start", span("session start")), ("collection", span("collection")),
              ("run loop", span("run loop")), ("session finish", span("session finish")),
              ("after session", total - marks.get("session finish:end", total))]
    print(f"  caaad.cli.main(['run', …]) in process, exit {data['exit']}: {total * 1000:.1f} ms")
    detail = {
        "before session": [CONTRACT_LOAD, "adapter construction", RULES_YAML],
        "session start": [LOAD_SPEC, INDEX],
        "collection": [LOAD_SPEC],
        "session finish": [INDEX, "adapter construction", RULES_YAML, "validation: describe", "client _invoke"],
    }
    names = {"before session": "before the session (imports, pytest config, plugins, adapter check)",
             "session start": "session start (caaad: spec, feature index)",
             "collection": "collection (suite.py + steps imported, pytest-bdd parses features)",
             "run loop": "run loop (the scenarios)",
             "session finish": "session finish (results.json, junit.xml, terminal summary)",
             "after session": "after the session (caaad summary)"}
    for phase, secs in phases:
        row(names[phase], secs)
        for cat in detail.get(phase, []):
            s, n = get(phase, cat)
            if n:
                row(cat, s, None if cat.startswith("contract load") else n, indent=6)
        if phase == "run loop":
            loop = secs
            ops, n_ops = get(phase, "adapter operations")
            construct, n_construct = get(phase, "adapter construction")
            yaml_s, n_yaml = get(phase, RULES_YAML)
            invoke, n_invoke = get(phase, "client _invoke")
            in_steps, _ = get(phase, "client _invoke inside step bodies")
            steps, n_steps = get(phase, "step bodies")
            validation = {k: get(phase, f"validation: {k}") for k in VALIDATION_KINDS}
            v_total = sum(s for s, _ in validation.values())
            plumbing = invoke - ops - v_total
            steps_own = steps - in_steps
            lookup, n_lookup = get(phase, STEP_LOOKUP)
            rest = loop - invoke - construct - steps_own - lookup
            row("contract validation (Contract.first_error)", v_total, sum(n for _, n in validation.values()), 6)
            for k, (s, n) in validation.items():
                row(f"  {VALIDATION_KINDS[k]}", s, n, 6)
            row("adapter operations (the business work)", ops, n_ops, 6)
            row("client plumbing (deepcopy, dispatch, capability check)", plumbing, n_invoke, 6)
            row("adapter construction (one per scenario)", construct, n_construct, 6)
            row(RULES_YAML, yaml_s, n_yaml, 6)
            row("step definitions' own code (outside the client)", steps_own, n_steps, 6)
            row("pytest-bdd step lookup (get_step_function)", lookup, n_lookup, 6)
            row("rest: other pytest + pytest-bdd machinery per scenario", rest, None, 6)
            if floor_loop:
                own = invoke + construct + steps_own
                print(f"      the kit's own work in the loop (client, validation, adapter, step code) / floor loop: "
                      f"{own * 1000:.0f} / {floor_loop * 1000:.0f} ms = {own / floor_loop:.2f}x: the run loop's "
                      f"ratio if pytest and pytest-bdd cost nothing (timers included)")
    gaps = total - sum(s for _, s in phases)
    row("between phases", gaps)

    v_s = sum(total_of(f"validation: {k}")[0] for k in VALIDATION_KINDS)
    v_n = sum(total_of(f"validation: {k}")[1] for k in VALIDATION_KINDS)
    ops_s, ops_n = total_of("adapter operations")
    con_s, con_n = total_of("adapter construction")
    yaml_s, _ = total_of(RULES_YAML)
    one_off = total_of(LOAD_SPEC)[0] + total_of(CONTRACT_LOAD)[0] + total_of(INDEX)[0]
    lookup_s = total_of(STEP_LOOKUP)[0]
    rest = total - v_s - ops_s - con_s - one_off - lookup_s
    print(f"\n  headline, whole main() = {total * 1000:.0f} ms:")
    for label, s in (("ContractClient validation", v_s), ("adapter work: operations", ops_s),
                     ("adapter work: construction (of which YAML %.0f ms)" % (yaml_s * 1000), con_s),
                     ("one-off loads: spec, contract schemas, feature index", one_off),
                     ("pytest-bdd step lookup (get_step_function)", lookup_s),
                     ("the rest: imports, pytest, pytest-bdd, step code, reports", rest)):
        print(f"    {label:<66}{s * 1000:9.1f} ms {100 * s / total:5.1f} %")
    print(f"    ({v_n} validations, {ops_n} adapter calls, {con_n} adapters made)")
    if floor_loop:
        print(f"  in-process suite / floor loop: {total:.3f} s / {floor_loop:.3f} s = {total / floor_loop:.1f}x")


def group_of(filename: str) -> str:
    f = filename.replace("\\", "/")
    root = ROOT.as_posix() + "/"
    if f.startswith(root + "caaad/"):
        return "caaad kit (caaad/)"
    if f.startswith(root + "reference_impl/"):
        return "reference system (reference_impl/)"
    if f.startswith(root + "steps/"):
        return "step definitions (steps/)"
    for marker, name in (("/jsonschema/", "jsonschema + referencing"), ("/referencing/", "jsonschema + referencing"),
                         ("/rpds", "jsonschema + referencing"), ("/_pytest/", "pytest + pluggy"),
                         ("/pluggy/", "pytest + pluggy"), ("/pytest_bdd/", "pytest-bdd + parse + gherkin"),
                         ("/parse.py", "pytest-bdd + parse + gherkin"), ("/parse_type/", "pytest-bdd + parse + gherkin"),
                         ("/gherkin/", "pytest-bdd + parse + gherkin"), ("/yaml/", "PyYAML (pure Python)"),
                         ("/xdist/", "pytest-xdist"), ("/site-packages/", "other packages")):
        if marker in f:
            return name
    if f == "~":
        return "built-ins and C functions (sqlite3, json, re, compile, …)"
    if f.startswith("<frozen"):
        return "import machinery"
    return "standard library (Python)"


def print_profile(prof_path: str) -> None:
    import pstats
    stats = pstats.Stats(prof_path)
    raw = stats.stats  # (file, line, name) -> (cc, nc, tt, ct, callers)
    total = stats.total_tt
    groups: dict[str, float] = {}
    for (filename, _, _), (_, _, tt, _, _) in raw.items():
        groups[group_of(filename)] = groups.get(group_of(filename), 0.0) + tt
    print(f"  profiled total {total:.2f} s (cProfile inflates Python-heavy code; compare shares, not seconds)")
    print("  self time by package:")
    for name, tt in sorted(groups.items(), key=lambda kv: -kv[1]):
        print(f"    {name:<58}{tt:7.2f} s {100 * tt / total:5.1f} %")

    def where(key):
        filename, line, name = key
        short = filename.replace(ROOT.as_posix() + "/", "").split("site-packages/")[-1]
        return f"{short}:{line}({name})" if filename != "~" else name

    print("  top functions by self time:")
    for key, (_, nc, tt, ct, _) in sorted(raw.items(), key=lambda kv: -kv[1][2])[:15]:
        print(f"    {tt:6.2f} s self {ct:6.2f} s cum {nc:8d} calls  {where(key)[:110]}")
    print("  the project's own functions by cumulative time (caaad/, reference_impl/, steps/):")
    own = [(k, v) for k, v in raw.items() if group_of(k[0]).endswith("/)")]
    shown = 0
    for key, (_, nc, tt, ct, _) in sorted(own, key=lambda kv: -kv[1][3]):
        if key[2] in ("main", "cmd_run", "<module>") or ct < 0.02:
            continue
        print(f"    {ct:6.2f} s cum {tt:6.2f} s self {nc:6d} calls  {where(key)[:110]}")
        shown += 1
        if shown == 18:
            break


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="repetitions per whole-process measurement (medians)")
    parser.add_argument("--floor", metavar="TRACE", help=argparse.SUPPRESS)
    parser.add_argument("--verify", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--breakdown", nargs=2, metavar=("OUT_JSON", "REPORT_DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--cprofile", nargs=2, metavar=("OUT_PROF", "REPORT_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        return floor(args.floor, args.verify)
    if args.breakdown:
        return breakdown(*args.breakdown)
    if args.cprofile:
        return cprofile_run(*args.cprofile)

    began = time.perf_counter()
    print(f"cores: os.cpu_count() = {os.cpu_count()}, usable by this process = {len(os.sched_getaffinity(0))}"
          if hasattr(os, "sched_getaffinity") else f"cores: {os.cpu_count()}")
    if hasattr(os, "getloadavg"):
        print("load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"python {sys.version.split()[0]}; PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")
    caaad = caaad_command()
    with tempfile.TemporaryDirectory(prefix="caaad-bench-suite-") as tmp:
        tmp = Path(tmp)
        # 1. count the suite's calls
        trace, env, p = counting_run(tmp, caaad)
        scenarios_line = next((ln for ln in p.stdout.splitlines() if ln.startswith("scenarios:")), "?")
        instances = json.loads(trace.read_text(encoding="utf-8"))["instances"]
        counts: dict[str, int] = {}
        for calls in instances:
            for op, _, _ in calls:
                counts[op] = counts.get(op, 0) + 1
        n_calls = sum(counts.values())
        print(f"\n1. the suite's adapter calls (counting adapter, one run): {scenarios_line}")
        print(f"   {len(instances)} adapter instances ({sum(1 for c in instances if c)} with calls; the kit makes one "
              f"per scenario, one to check --adapter, one for results.json's describe), {n_calls} operation calls:")
        for op, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            print(f"     {op:<22}{n:6d}")

        # 2. the floor replays them; check once that the answers are the suite's
        p = checked([sys.executable, str(THIS), "--floor", str(trace), "--verify"], what="the floor (verify)")
        check = json.loads(p.stdout)
        same = check["counts"] == counts
        print(f"\n2. floor replay check: {check['calls']} calls on {check['instances']} fresh ReferenceAdapters, counts "
              f"{'identical' if same else 'DIFFERENT'}, {check['mismatches']} answer(s) differing from the suite's")

        # 3. whole processes
        env_pyc = None
        if os.environ.get("PYTHONDONTWRITEBYTECODE") or sys.flags.dont_write_bytecode:
            env_pyc = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            env_pyc["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        variants = {
            "start-up + imports only": ([sys.executable, "-c", "import caaad.cli, caaad.run_report, caaad.plugin, pytest, "
                                         "pytest_bdd, xdist, jsonschema, caaad.reference_impl.adapter"], None),
            "floor (replay, adapter direct)": ([sys.executable, str(THIS), "--floor", str(trace)], None),
            "suite: caaad run": (caaad + ["run", "--out", str(tmp / "r1")], None),
            "suite: caaad run -n 2": (caaad + ["run", "-n", "2", "--out", str(tmp / "r2")], None),
        }
        if env_pyc:
            variants["suite, bytecode cached (PYCACHEPREFIX)"] = (caaad + ["run", "--out", str(tmp / "r3")], env_pyc)
        for name, (argv, venv) in variants.items():  # warm the file and bytecode caches; check each really runs
            p = checked(argv, venv, name)
            ran = re.search(r"^scenarios: (\d+) passed", p.stdout, re.M)
            if name.startswith("suite") and not (ran and int(ran.group(1)) > 0):
                sys.exit(f"bench: {name} did not run the scenarios:\n{p.stdout[-1500:]}")
        times: dict[str, list[float]] = {name: [] for name in variants}
        floor_loops: list[float] = []
        floor_constructs: list[float] = []
        names = list(variants)
        for rep in range(args.reps):
            for name in names[rep % len(names):] + names[:rep % len(names)]:
                argv, venv = variants[name]
                elapsed, p = run(argv, venv)
                if p.returncode != 0:
                    sys.exit(f"bench: {name} exited {p.returncode}: {p.stderr[-1500:]}")
                times[name].append(elapsed)
                if name.startswith("floor"):
                    floor_loops.append(json.loads(p.stdout)["loop_s"])
                    floor_constructs.append(json.loads(p.stdout)["construction_s"])
        med = {name: statistics.median(v) for name, v in times.items()}
        print(f"\n3. whole process, median of {args.reps} (min … max), order rotated each repetition:")
        for name, m in med.items():
            print(f"   {name:<42}{m * 1000:8.0f} ms   ({min(times[name]) * 1000:.0f} … {max(times[name]) * 1000:.0f})")
        floor_loop = statistics.median(floor_loops)
        suite, base = med["suite: caaad run"], med["start-up + imports only"]
        low = {name: min(v) for name, v in times.items()}
        print(f"   floor's replay loop alone (in its process)  {floor_loop * 1000:8.0f} ms "
              f"({len(instances)} adapters made: {statistics.median(floor_constructs) * 1000:.0f} ms; "
              f"{n_calls} calls: {(floor_loop - statistics.median(floor_constructs)) * 1000:.0f} ms)")
        print(f"   {'ratios':<42}{'medians':>8}   {'fastest runs (least disturbed by load)'}")

        def ratio(label, a, b):
            print(f"   {label:<42}{med[a] / med[b]:8.2f}   {low[a] / low[b]:8.2f}")
        ratio("suite / floor", "suite: caaad run", "floor (replay, adapter direct)")
        print(f"   {'(suite - start-up) / floor loop':<42}{(suite - base) / floor_loop:8.2f}   "
              f"{(low['suite: caaad run'] - low['start-up + imports only']) / min(floor_loops):8.2f}")
        ratio("suite(-n 2) / suite", "suite: caaad run -n 2", "suite: caaad run")
        if env_pyc:
            ratio("suite(bytecode cached) / suite", "suite, bytecode cached (PYCACHEPREFIX)", "suite: caaad run")

        # 4. in process
        print("\n4. in process, timers around the kit's functions (one run, no profiler):")
        checked([sys.executable, str(THIS), "--breakdown", str(tmp / "breakdown.json"), str(tmp / "r4")],
                what="the breakdown run")
        print_breakdown(json.loads((tmp / "breakdown.json").read_text(encoding="utf-8")), floor_loop)
        print("\n   under cProfile (one run):")
        checked([sys.executable, str(THIS), "--cprofile", str(tmp / "suite.prof"), str(tmp / "r5")],
                what="the cProfile run")
        print_profile(str(tmp / "suite.prof"))
    if hasattr(os, "getloadavg"):
        print("\nload average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"bench took {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
