"""The cached step lookup (caaad/steplookup.py) finds what pytest-bdd's own lookup finds."""

import textwrap

pytest_plugins = ["pytester"]

FEATURE = """\
Feature: lookup
  Scenario: one
    Given a step
    Then the step came from {module}

  Scenario: two
    Given a step
    Then the step came from {module}
"""

MODULE = '''
from pytest_bdd import given, then, scenarios, parsers

scenarios("{feature}")

@given("a step", target_fixture="origin")
def a_step():
    return "{module}"

@then(parsers.parse("the step came from {{name}}"))
def came_from(origin, name):
    assert origin == name
'''


def test_one_text_resolves_per_module_and_is_looked_up_once(pytester):
    pytester.makeconftest(textwrap.dedent("""
        import importlib
        import caaad.steplookup
        bdd = importlib.import_module("pytest_bdd.scenario")
        scans, lookups, differing = [], [], []
        def counting(fixturemanager, node, _scan=caaad.steplookup.step_definitions):
            scans.append(node.parent.nodeid)
            return _scan(fixturemanager, node)
        caaad.steplookup.step_definitions = counting
        caaad.steplookup.install()
        cached = bdd.find_fixturedefs_for_step
        def compared(step, fixturemanager, node):
            got = cached(step, fixturemanager, node)
            expected = tuple(caaad.steplookup._lookup(step=step, fixturemanager=fixturemanager, node=node))
            lookups.append((step.name, node.parent.nodeid))
            if got != expected:
                differing.append(step.name)
            return got
        bdd.find_fixturedefs_for_step = compared

        def pytest_sessionfinish(session):
            print("SCANS", len(scans), "LOOKUPS", len(lookups), len(set(lookups)), "DIFFERING", len(differing))
    """))
    for module in ("alpha", "beta"):
        pytester.makefile(".feature", **{f"{module}": FEATURE.format(module=module)})
        pytester.makepyfile(**{f"test_{module}": MODULE.format(feature=f"{module}.feature", module=module)})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=4)
    # the visible definitions scanned once per module; 8 step lookups of 4 distinct (text, module), all as
    # pytest-bdd's own lookup answers
    result.stdout.fnmatch_lines(["*SCANS 2 LOOKUPS 8 4 DIFFERING 0*"])


def test_step_signatures_are_computed_once_and_stay_the_same():
    import importlib
    import inspect

    import caaad.steplookup
    caaad.steplookup.install()
    for module in ("pytest_bdd.scenario", "pytest_bdd.utils"):  # the two places pytest-bdd asks for a step's signature
        cached = importlib.import_module(module).signature
        assert cached(caaad.steplookup.install) == inspect.signature(caaad.steplookup.install)
        assert cached(caaad.steplookup.install) is cached(caaad.steplookup.install), module
