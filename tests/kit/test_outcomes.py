"""Roll-up of scenario outcomes to obligations, and which obligations a profile answers for."""

import pytest

from caaad.outcomes import in_profile, roll_up


@pytest.mark.parametrize(("scenario_outcomes", "expected"), [
    (["passed", "passed"], "passed"),
    (["passed", "failed"], "failed"),
    (["error", "failed"], "failed"),
    (["passed", "error"], "error"),
    (["passed", "not_tested"], "not_tested"),
    (["not_applicable"], "not_applicable"),
    (["not_applicable", "passed"], "passed"),
    ([], "not_tested"),
])
def test_roll_up(scenario_outcomes, expected):
    assert roll_up(scenario_outcomes) == expected


class Ob:
    def __init__(self, actor, co_actors=(), strength="shall"):
        self.actor, self.co_actors, self.strength = actor, tuple(co_actors), strength


@pytest.mark.parametrize(("actor", "co_actors", "profile", "expected"), [
    ("merchant", (), "merchant", True),
    ("merchant", (), "platform", False),
    ("merchant", ("platform",), "platform", True),
    ("operator_after_sales_staff", (), "live_room_operator", True),
    ("consumer", (), "anchor", True),
    ("all_parties", (), "platform", True),
    ("platform", (), "all", True),
])
def test_in_profile(actor, co_actors, profile, expected):
    assert in_profile(Ob(actor, co_actors), profile) is expected
