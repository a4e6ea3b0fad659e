"""Step lookup, cached: for every step of every scenario pytest-bdd finds the step's definition by scanning
each fixture name the test can see (about a hundred here) and trying each step definition's parser on the
text (38% of a run), then registers the matching definitions as a temporary fixture under a synthetic name
and asks pytest for that fixture's value (`request.getfixturevalue`), running pytest's whole fixture set-up
and teardown only to be handed the definition's StepFunctionContext.

Which step definitions a test can see depends only on where it stands (its module or class: the parent
node), so the scan is done once per parent node and session; a step then only tries the parsers of those
definitions whose literal start the text has, and the answer for a (type, text, parent) is kept, since
outlines and shared steps repeat texts. The answer is the context pytest would resolve the temporary
fixture to: pytest-bdd sorts the matching definitions by their node path and pytest takes the last (the
most specific); None when none matches, so that pytest-bdd raises StepDefinitionNotFoundError as before.
Nothing else reads the temporary fixture (a step's target_fixture is injected after the step runs, apart
from the lookup).

This replaces `pytest_bdd.scenario.get_step_function`, a private function of pytest-bdd 9.0 (the version
range is pinned in pyproject.toml), keeping the filters and order of `find_fixturedefs_for_step`;
tests/kit/test_step_lookup.py checks for every step of the real suite that the cache gives the context
pytest-bdd's own lookup gives, also for one text that two modules define differently and for a step with
no definition.

pytest-bdd also computes the signature of a step function two times each time it runs the step (7% of
a run, more than the reference system's rules), and from it the names of the fixtures the step asks for
(`get_required_args`, 1.9 µs a step with the signature cached): neither changes for a function, so both
are kept per function.
"""

import importlib
from functools import lru_cache
from inspect import signature
from weakref import WeakKeyDictionary

from pytest_bdd import parsers
from pytest_bdd.compat import get_fixture_names, getfixturedefs
from pytest_bdd.steps import step_function_context_registry

# The module, not pytest_bdd.scenario the function that pytest_bdd/__init__.py exports under that name.
_bdd = importlib.import_module("pytest_bdd.scenario")

_utils = importlib.import_module("pytest_bdd.utils")
_get_step_function = _bdd.get_step_function
# Step functions live as long as their modules: no eviction needed.
_signature = lru_cache(maxsize=None)(signature)
_required_args = lru_cache(maxsize=None)(_utils.get_required_args)  # pytest-bdd only reads the list it returns


def step_definitions(fixturemanager, node) -> tuple:
    """Every step definition visible to `node` as (fixturedef, context), in the order pytest-bdd scans them."""
    return tuple((fixturedef, context)
                 for name in get_fixture_names(fixturemanager=fixturemanager)
                 for fixturedef in getfixturedefs(fixturemanager, name, node) or ()
                 if (context := step_function_context_registry.get(fixturedef.func)) is not None)


def _prefix(parser) -> str:
    """Text every step the parser matches starts with, to try its pattern only on those: a `parse` format's
    literal text before its first field (parse matches it exactly, but for case: only its caseless start, as in
    Chinese text); a `string` step's whole text; nothing for other parsers."""
    if isinstance(parser, parsers.string):
        return parser.name
    if not isinstance(parser, parsers.parse) or "{{" in parser.name or "}}" in parser.name:
        return ""
    literal = parser.name.split("{", 1)[0]
    caseless = next((i for i, c in enumerate(literal) if not c.lower() == c == c.upper()), len(literal))
    return literal[:caseless]


def _by_prefix(definitions) -> tuple[dict, int]:
    """The definitions by their literal start (`_prefix`), each with its place in the scan order, and the length of
    the longest start: the only definitions that can match a text are those under one of its first 0…longest
    characters, a few dictionary lookups instead of a try of every definition."""
    by_prefix: dict[str, list] = {}
    for order, (fixturedef, context) in enumerate(definitions):
        by_prefix.setdefault(_prefix(context.parser), []).append((order, fixturedef, context))
    return by_prefix, max(map(len, by_prefix), default=0)


def _path(fixturedef) -> list[str]:
    """pytest-bdd's sort key of a matching definition (inject_fixturedefs_for_step)."""
    return list(_bdd.iterparentnodeids(fixturedef.baseid))


def install() -> None:
    if getattr(_bdd.get_step_function, "caaad_cached", False):
        return
    # fixture manager → ({parent node id: visible step definitions by their prefixes},
    #                    {(type, text, parent node id): context})
    per_session: WeakKeyDictionary = WeakKeyDictionary()

    def get_step_function(request, step):
        __tracebackhide__ = True  # as in pytest-bdd: this frame stays out of pytest tracebacks (a parser may raise here)
        fixturemanager = request._fixturemanager
        visible, found = per_session.setdefault(fixturemanager, ({}, {}))
        node = request.node
        parent = node.parent.nodeid if node.parent is not None else ""
        key = (step.type, step.name, parent)
        if key not in found:
            if parent not in visible:
                visible[parent] = _by_prefix(step_definitions(fixturemanager, node))
            by_prefix, longest = visible[parent]
            text = step.name
            candidates = [entry for length in range(min(len(text), longest) + 1)
                          for entry in by_prefix.get(text[:length], ())]
            # sorted by path, and in scan order within a path, as pytest-bdd's stable sort
            matching = sorted((_path(fixturedef), order, context) for order, fixturedef, context in candidates
                              if context.type in (None, step.type) and context.parser.is_matching(text))
            found[key] = matching[-1][2] if matching else None  # pytest takes a fixture's last definition
        return found[key]

    get_step_function.caaad_cached = True
    _bdd.get_step_function = get_step_function
    _bdd.signature = _utils.signature = _signature
    _bdd.get_required_args = _required_args
