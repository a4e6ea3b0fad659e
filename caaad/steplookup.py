"""Step lookup, cached: pytest-bdd finds the definition of every step of every scenario by scanning
each fixture name the test can see (about a hundred here) and trying each step definition's parser on
the text, which took 38% of a run. The answer depends only on the step (its type and text) and on
where the test stands (the fixtures visible from its module or class), so it is computed once per
(type, text, parent node) and session.

This wraps `pytest_bdd.scenario.find_fixturedefs_for_step`, a private function of pytest-bdd 9 (the
version range is pinned in pyproject.toml); tests/kit/test_step_lookup.py checks that the cache gives
the same definitions as the lookup itself, also for one text that two modules define differently.
"""

import importlib
from weakref import WeakKeyDictionary

# The module, not pytest_bdd.scenario the function that pytest_bdd/__init__.py exports under that name.
_bdd = importlib.import_module("pytest_bdd.scenario")

_lookup = _bdd.find_fixturedefs_for_step


def install() -> None:
    if getattr(_bdd.find_fixturedefs_for_step, "caaad_cached", False):
        return
    per_session: WeakKeyDictionary = WeakKeyDictionary()  # fixture manager → {(type, text, parent): defs}

    def cached(step, fixturemanager, node):
        cache = per_session.setdefault(fixturemanager, {})
        key = (step.type, step.name, node.parent.nodeid if node.parent is not None else "")
        found = cache.get(key)
        if found is None:
            found = cache[key] = tuple(_lookup(step=step, fixturemanager=fixturemanager, node=node))
        return found

    cached.caaad_cached = True
    _bdd.find_fixturedefs_for_step = cached
