"""Step lookup, cached: pytest-bdd finds the definition of every step of every scenario by scanning
each fixture name the test can see (about a hundred here) and trying each step definition's parser on
the text, which took 38% of a run. Which step definitions a test can see depends only on where it
stands (its module or class: the parent node), so that scan is done once per parent node and session;
each step then only tries the parsers of those definitions, and the answer for a (type, text, parent)
is kept, since outlines and shared steps repeat texts.

This replaces `pytest_bdd.scenario.find_fixturedefs_for_step`, a private function of pytest-bdd 9 (the
version range is pinned in pyproject.toml), keeping its order and filters; tests/kit/test_step_lookup.py
checks for every step that the cache gives the same definitions as the lookup itself, also for one text
that two modules define differently.

pytest-bdd also computes the signature of a step function two times each time it runs the step (7% of
a run, more than the reference system's rules): a function's signature does not change, so both modules
get `inspect.signature` behind a cache.
"""

import importlib
from functools import lru_cache
from inspect import signature
from weakref import WeakKeyDictionary

from pytest_bdd.compat import get_fixture_names, getfixturedefs
from pytest_bdd.steps import step_function_context_registry

# The module, not pytest_bdd.scenario the function that pytest_bdd/__init__.py exports under that name.
_bdd = importlib.import_module("pytest_bdd.scenario")

_utils = importlib.import_module("pytest_bdd.utils")
_lookup = _bdd.find_fixturedefs_for_step
_signature = lru_cache(maxsize=None)(signature)  # step functions live as long as their modules: no eviction needed


def step_definitions(fixturemanager, node) -> tuple:
    """Every step definition visible to `node` as (fixturedef, context), in the order pytest-bdd scans them."""
    return tuple((fixturedef, context)
                 for name in get_fixture_names(fixturemanager=fixturemanager)
                 for fixturedef in getfixturedefs(fixturemanager, name, node) or ()
                 if (context := step_function_context_registry.get(fixturedef.func)) is not None)


def install() -> None:
    if getattr(_bdd.find_fixturedefs_for_step, "caaad_cached", False):
        return
    # fixture manager → ({parent node id: visible step definitions}, {(type, text, parent node id): fixturedefs})
    per_session: WeakKeyDictionary = WeakKeyDictionary()

    def cached(step, fixturemanager, node):
        visible, found = per_session.setdefault(fixturemanager, ({}, {}))
        parent = node.parent.nodeid if node.parent is not None else ""
        key = (step.type, step.name, parent)
        if key not in found:
            if parent not in visible:
                visible[parent] = step_definitions(fixturemanager, node)
            found[key] = tuple(fixturedef for fixturedef, context in visible[parent]
                               if context.type in (None, step.type) and context.parser.is_matching(step.name))
        return found[key]

    cached.caaad_cached = True
    _bdd.find_fixturedefs_for_step = cached
    _bdd.signature = _utils.signature = _signature

