"""A set-up the system does not reach is not_tested with its reason, and step messages name no obligation."""

import re
from types import SimpleNamespace

import pytest

from caaad import outcomes
from caaad.paths import steps_dir
from caaad.plugin import _classify
from caaad.preconditions import PreconditionNotReachable

# An obligation id as the spec writes them: 5.4.1.a-2, 4.2-1, 5.5.1-2.
OBLIGATION_ID = re.compile(r"\b[45](?:\.[0-9]+)+(?:\.[a-z])?-[0-9]+\b|\b[45]\.[0-9]+-[0-9]+\b")


def _report(error: BaseException, when: str = "call"):
    report = SimpleNamespace(passed=False, skipped=False, failed=True, when=when, longrepr=None)
    return report, SimpleNamespace(excinfo=SimpleNamespace(value=error))


def test_precondition_not_reachable_is_not_tested_with_its_reason():
    outcome, message = _classify(*_report(PreconditionNotReachable("the request was accepted at once")))
    assert outcome == outcomes.NOT_TESTED
    assert message == "precondition not reachable: the request was accepted at once"


def test_a_failed_check_is_still_failed():
    outcome, message = _classify(*_report(AssertionError("5.4.1.a-3: the request must be accepted")))
    assert (outcome, message) == (outcomes.FAILED, "5.4.1.a-3: the request must be accepted")


@pytest.mark.parametrize("module", sorted(p.name for p in steps_dir().glob("*.py")))
def test_step_modules_name_no_obligation(module):
    """Ids in messages come from the scenario's @req tags (fixture `obligations`), so a step shared by
    scenarios of several obligations reports the right one."""
    text = (steps_dir() / module).read_text(encoding="utf-8")
    found = [(n, m.group()) for n, line in enumerate(text.splitlines(), 1) for m in OBLIGATION_ID.finditer(line)]
    assert not found, f"steps/{module}: obligation ids written in the code (use the `obligations` fixture): {found}"


def test_the_lint_sees_an_obligation_id():
    assert OBLIGATION_ID.search('f"5.4.1.a-1: label"') and OBLIGATION_ID.search('"4.2-1 (CPL Art 8)"')
    assert OBLIGATION_ID.search("5.5.1-2") and not OBLIGATION_ID.search("7D Art 13-15, 5.4.2.a")


def test_a_mistake_of_the_feature_file_is_an_error_not_a_failure():
    from caaad.steps.common import ScenarioError
    outcome, message = _classify(*_report(ScenarioError("the scenario has not placed an order")))
    assert outcome == outcomes.ERROR and "ScenarioError" in message
