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
        calls = []
        def counting(step, fixturemanager, node, _lookup=caaad.steplookup._lookup):
            calls.append((step.name, node.parent.nodeid))
            return _lookup(step=step, fixturemanager=fixturemanager, node=node)
        caaad.steplookup._lookup = counting
        caaad.steplookup.install()

        def pytest_sessionfinish(session):
            print("LOOKUPS", len(calls), len(set(calls)))
    """))
    for module in ("alpha", "beta"):
        pytester.makefile(".feature", **{f"{module}": FEATURE.format(module=module)})
        pytester.makepyfile(**{f"test_{module}": MODULE.format(feature=f"{module}.feature", module=module)})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=4)
    # 2 modules × 2 distinct step texts, each looked up once although 4 scenarios use them
    result.stdout.fnmatch_lines(["*LOOKUPS 4 4*"])
