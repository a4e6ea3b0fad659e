"""The garbage collector around a run of the suite.

Most of what a run builds lives until it ends: the kit's modules, the spec, the contract, the system's module,
the collected scenarios. The collector's passes over these find nothing to free, so they are built with it
paused (`built_for_the_run`, what `caaad run` loads before pytest starts), frozen out of its sight once built
(the same, and what collection leaves: caaad.plugin, pytest_collection_finish) and given back when pytest is
done (gc.unfreeze at pytest's clean-up), so that a process that goes on after pytest can free them. A process
that ends with the run freezes everything again before it exits (`ending_process`).
"""

import gc
from contextlib import contextmanager


@contextmanager
def built_for_the_run():
    """What is built in the block is built with the collector paused (its passes during `caaad run`'s checks
    before pytest, about 45 ms, found nothing to free) and frozen when the block ends, once what the block left
    as garbage is freed (the system the checks opened and closed: its finalizers release what it holds before the
    scenarios open their own; one pass over the block's objects, about 5 ms); a block that fails freezes nothing
    (no run follows). The collector is left enabled or not as it was found."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.collect(0)  # all the block made is in the youngest generation: the collector made no pass since
        gc.freeze()
    finally:
        if was_enabled:
            gc.enable()


def ending_process() -> None:
    """For a process that ends next (the `caaad` command, tests/suite/batch.py): what the run left as garbage is
    collected now (finalizers run, files are closed), and what is still alive (the kit's modules, the spec, the
    contract, the collected suite: about 100,000 objects) is frozen, so that the interpreter's collections as it
    exits, which would find nothing among them to free, pass them by: 0.1–0.15 s of every `caaad run`."""
    gc.collect()
    gc.freeze()
