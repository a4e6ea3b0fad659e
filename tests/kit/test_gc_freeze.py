"""What `caaad run` loads before pytest and what collection leaves are frozen out of the garbage collector's
sight while the suite runs, and given back when pytest is done, so that a process that goes on after pytest can
free it (caaad/plugin.py)."""

import gc
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from caaad.cli import UsageError, suite_pytest_args
from caaad.collector import built_for_the_run

# Runs one scenario in a process of its own, recording how many objects are frozen while it runs and after
# pytest.main returns, and whether pytest's full collections at its end (unraisableexception) saw them.
RUN = """
import gc, json, sys
import pytest

seen = {}

class Recorder:
    def pytest_runtest_call(self, item):
        seen["during"] = gc.get_freeze_count()

def at_collection(phase, info):
    if phase == "start" and info["generation"] == 2 and "during" in seen:
        seen.setdefault("frozen_at_full_collections", []).append(gc.get_freeze_count())

gc.callbacks.append(at_collection)
code = pytest.main(sys.argv[1:], plugins=[Recorder()])
gc.callbacks.remove(at_collection)
seen["after"] = gc.get_freeze_count()
print(json.dumps({"code": int(code), **seen}))
"""


def test_collected_objects_are_frozen_during_the_run_and_given_back_after(tmp_path):
    done = subprocess.run([sys.executable, "-c", RUN, *suite_pytest_args(), "-k", "消费者下单前可查询商家承诺的退货期限",
                           "--caaad-results", str(tmp_path / "results.json")],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})  # as caaad run (hermetic_pytest)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0, done.stdout + done.stderr
    assert seen["during"] > 10_000  # imports, spec, contract schemas, items: tens of thousands of objects
    # pytest's own full collections at the end ran while they were frozen, and they came back afterwards
    assert seen["frozen_at_full_collections"] and min(seen["frozen_at_full_collections"]) > 10_000
    assert seen["after"] == 0


class Held:
    """Something a system holds until its finalizer runs (a lock, a connection), kept in a reference cycle."""
    released = []

    def __init__(self):
        self.me = self

    def __del__(self):
        Held.released.append(True)


def test_what_caaad_run_loads_before_pytest_is_built_unwatched_and_frozen():
    # Frozen objects stay frozen until gc.unfreeze: each case gives back what it froze.
    before = gc.get_freeze_count()
    Held.released.clear()
    try:
        with built_for_the_run():
            assert not gc.isenabled()
            built = [{"obligation": str(i)} for i in range(1000)]
            Held()  # a system the checks opened and dropped: garbage, not to be frozen with the rest
        assert gc.isenabled() and gc.get_freeze_count() >= before + len(built)
        assert Held.released == [True]
    finally:
        gc.unfreeze()


def test_a_failing_block_freezes_nothing_and_leaves_the_collector_as_it_found_it():
    before = gc.get_freeze_count()
    with pytest.raises(UsageError):
        with built_for_the_run():
            raise UsageError("--out '': name the folder")
    assert gc.isenabled() and gc.get_freeze_count() == before
    gc.disable()
    try:
        with built_for_the_run():
            pass
        assert not gc.isenabled()  # the caller's choice is kept
    finally:
        gc.unfreeze()
        gc.enable()


CLI_RUN = """
import gc, json, sys
from caaad import cli
code = cli.main(sys.argv[1:])
print(json.dumps({"code": code, "enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}))
"""


def test_after_caaad_run_the_collector_has_everything_back(tmp_path):
    done = subprocess.run([sys.executable, "-c", CLI_RUN, "run", "-q", "-k", "消费者下单前可查询商家承诺的退货期限",
                           "--out", str(tmp_path / "r")], capture_output=True, text=True, timeout=120)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"code": 0, "enabled": True, "frozen": 0}, done.stdout + done.stderr


ENDING = """
import gc, runpy, sys
marker = sys.argv[1]

class Cycle:  # garbage that only the collector frees: its finalizer must still run
    def __del__(self):
        open(marker, "w").write("finalized")

gc.disable()  # so that only the command's own collection can free it
cycle = Cycle()
cycle.me = cycle
del cycle
sys.argv = ["caaad", "lint"]
try:
    runpy.run_module("caaad", run_name="__main__")  # python -m caaad: the command as the console script runs it
except SystemExit as e:
    print(e.code, gc.get_freeze_count())
"""


def test_the_command_collects_what_its_run_left_and_freezes_the_rest_before_the_process_ends(tmp_path):
    marker = tmp_path / "finalized"
    done = subprocess.run([sys.executable, "-c", ENDING, str(marker)], capture_output=True, text=True, timeout=120)
    code, frozen = done.stdout.strip().splitlines()[-1].split()  # after what `caaad lint` prints
    assert code == "0", done.stdout + done.stderr
    assert int(frozen) > 10_000  # the kit's modules and the spec `caaad lint` loaded
    assert marker.read_text() == "finalized"


def test_the_console_script_is_the_command():
    scripts = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"caaad": "caaad.cli:command"}


# A system that records, as its process exits, how many objects are frozen: loaded by `caaad run` itself (its
# check of the system) and by each xdist worker.
PROBE = """
import atexit, gc, os
from caaad.reference_impl.adapter import ReferenceAdapter

@atexit.register
def frozen_at_exit():
    with open(os.environ["CAAAD_TEST_PROBE"], "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()} {gc.get_freeze_count()}\\n")

class ProbeAdapter(ReferenceAdapter):
    pass
"""


def test_every_process_of_a_parallel_run_exits_with_what_it_built_frozen(tmp_path):
    (tmp_path / "freeze_probe.py").write_text(PROBE, encoding="utf-8")
    probe = tmp_path / "probe.txt"
    env = {**os.environ, "CAAAD_TEST_PROBE": str(probe),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))}
    # the whole suite, so that each worker has scenarios to run (and loads the system)
    done = subprocess.run([sys.executable, "-m", "caaad", "run", "-q", "-n", "2", "--adapter", "freeze_probe:ProbeAdapter",
                           "--out", str(tmp_path / "r")],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    frozen = dict(line.split() for line in probe.read_text(encoding="utf-8").splitlines())
    assert len(frozen) == 3, frozen  # the command and its two workers
    assert all(int(count) > 10_000 for count in frozen.values()), frozen
