"""What collection leaves is frozen out of the garbage collector's sight while the suite runs, and given back
when pytest is done, so that a process that goes on after pytest can free it (caaad/plugin.py)."""

import json
import os
import subprocess
import sys

from caaad.cli import suite_pytest_args

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
