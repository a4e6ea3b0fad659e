"""The cached step lookup (caaad/steplookup.py) gives the step definition pytest-bdd's own lookup gives."""

import json
import os
import shutil
from pathlib import Path

import pytest
from pytest_bdd import parsers

import caaad.steplookup
import launch
from caaad.paths import features_dir, steps_dir

pytest_plugins = ["pytester"]

# Compares, for every step of every scenario, the cached lookup with pytest-bdd's own (saved by
# caaad.steplookup before it replaced it), then skips the scenario: the step bodies are not the point.
COMPARE = """
import importlib
import pytest
import caaad.steplookup
bdd = importlib.import_module("pytest_bdd.scenario")
compared, differing, undefined = [], [], []

def pytest_bdd_before_scenario(request, feature, scenario):
    assert getattr(bdd.get_step_function, "caaad_cached", False), "the cached lookup is not installed"
    for step in scenario.steps:
        got = bdd.get_step_function(request=request, step=step)
        expected = caaad.steplookup._get_step_function(request=request, step=step)
        compared.append((step.type, step.name, request.node.parent.nodeid))
        if got is not expected:
            differing.append(step.name)
        if expected is None:
            undefined.append(step.name)
    if {SKIP}:
        pytest.skip("lookups compared")

def pytest_sessionfinish(session):
    print("\\nCOMPARED", len(compared), len(set(compared)), "DIFFERING", len(differing), "UNDEFINED", len(undefined))
"""


def test_every_step_of_the_suite_gets_the_definition_pytest_bdd_gives(pytester):
    pytester.makepyfile(compare_lookup=COMPARE.replace("{SKIP}", "True"))
    result = pytester.runpytest_subprocess(str(steps_dir() / "suite.py"), "-p", "compare_lookup",
                                           "-p", "no:cacheprovider", "-q", "-s")
    line = next(line.partition("COMPARED")[2] for line in result.outlines if "COMPARED" in line)
    steps, distinct, _, differing, _, undefined = line.split()
    assert int(steps) > 1000 and int(distinct) > 500, line  # the whole suite: 205 scenarios
    assert (differing, undefined) == ("0", "0"), line
    assert result.parseoutcomes().get("skipped", 0) > 200


FEATURE = """\
Feature: lookup
  Scenario: one
    Given a step
    Then the step came from {origin}

  Scenario: two
    Given a step
    And a later step
    Then the step came from {later}
"""

CONFTEST = '''
import caaad.steplookup
from pytest_bdd import given, then, parsers

caaad.steplookup.install()

@given("a step", target_fixture="origin")
def a_step():
    return "conftest"

@then(parsers.parse("the step came from {name}"))
def came_from(origin, name):
    assert origin == name
'''

# alpha overrides the conftest's "a step" (more specific by node path), and defines "a later step" twice at
# one level: pytest-bdd takes the last definition of those it finds.
ALPHA = '''
from pytest_bdd import given, scenarios, parsers

scenarios("alpha.feature")

@given("a step", target_fixture="origin")
def a_step():
    return "alpha"

@given("a later step", target_fixture="origin")
def later():
    return "alpha-exact"

@given(parsers.parse("a later {what}"), target_fixture="origin")
def later_pattern(what):
    return "alpha-pattern"
'''

BETA = '''
from pytest_bdd import given, scenarios

scenarios("beta.feature")

@given("a later step", target_fixture="origin")
def later():
    return "beta"
'''


def test_one_text_resolves_per_module_and_to_the_most_specific_definition(pytester):
    pytester.makeconftest(CONFTEST + COMPARE.replace("{SKIP}", "False"))
    pytester.makefile(".feature", alpha=FEATURE.format(origin="alpha", later="alpha-pattern"),
                      beta=FEATURE.format(origin="conftest", later="beta"))
    pytester.makepyfile(test_alpha=ALPHA, test_beta=BETA)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    # each scenario passes only if its steps ran the definitions the feature names
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*COMPARED 10 8 DIFFERING 0 UNDEFINED 0*"])


def test_a_step_without_definition_is_reported_as_before(tmp_path):
    features = tmp_path / "features"  # one feature file of the suite, one of its steps without definition
    (features / "5.4").mkdir(parents=True)
    path = Path(shutil.copy(features_dir() / "5.4" / "5.4.1.feature", features / "5.4"))
    text = path.read_text(encoding="utf-8")
    step = next(line for line in text.splitlines() if line.strip().startswith("假如"))
    path.write_text(text.replace(step, step.replace("假如", "假如 没有定义的步骤", 1), 1), encoding="utf-8")
    done = launch.caaad("run", "--out", tmp_path / "out", env={**os.environ, "CAAAD_FEATURES_DIR": str(features)})
    assert done.returncode == 1, done.stdout + done.stderr
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    broken = [s for s in results["scenarios"] if s["outcome"] != "passed"]
    assert broken and all(s["outcome"] == "error" and s["message"].startswith(
        "StepDefinitionNotFoundError: Step definition is not found: Given \"没有定义的步骤") for s in broken), broken


def test_step_signatures_and_required_args_are_computed_once_and_stay_the_same():
    import importlib
    import inspect

    import caaad.steplookup
    caaad.steplookup.install()
    for module in ("pytest_bdd.scenario", "pytest_bdd.utils"):  # the two places pytest-bdd asks for a step's signature
        cached = importlib.import_module(module).signature
        assert cached(caaad.steplookup.install) == inspect.signature(caaad.steplookup.install)
        assert cached(caaad.steplookup.install) is cached(caaad.steplookup.install), module

    def step(sut, state, title, *args, docstring=None, amount=0, **kwargs):
        pass
    required, uncached = (importlib.import_module(m).get_required_args for m in ("pytest_bdd.scenario", "pytest_bdd.utils"))
    assert required(step) == uncached(step) == ["sut", "state", "title"]
    assert required(step) is required(step)


@pytest.mark.parametrize("parser, text, prefix", [
    (parsers.parse("消费者下单购买 {title}"), "消费者下单购买 玻璃花瓶", "消费者下单购买 "),
    (parsers.parse("Order {n:d} 已签收"), "order 3 已签收", ""),  # parse ignores case: an ASCII start is not literal
    (parsers.parse("订单 {{编号}} {n:d}"), "订单 {编号} 3", ""),  # escaped braces: no prefix is read
    (parsers.string("消费者签收"), "消费者签收", "消费者签收"),
    (parsers.re(r"消费者.*签收"), "消费者于今天签收", ""),
])
def test_only_parsers_whose_literal_start_the_text_has_are_tried(parser, text, prefix):
    assert caaad.steplookup._prefix(parser) == prefix
    assert parser.is_matching(text) and text.startswith(prefix)
