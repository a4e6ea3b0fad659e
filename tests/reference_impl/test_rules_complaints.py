"""Serious complaints (rules/complaints.py): 5.3.1.b, 5.3.2.f."""

import pytest

from caaad.reference_impl.rules.complaints import (closable, complaint_severity, coordination_parties, emergency_needed,
                                                   solution_partner)


@pytest.mark.parametrize("declared, claim, cannot_resolve, severity", [
    ("ordinary", None, False, "ordinary"),
    ("ordinary", 0, False, "ordinary"),          # a claim of nothing is no demand for compensation
    ("ordinary", 1, False, "serious"),
    ("serious", None, False, "serious"),
    ("ordinary", None, True, "serious"),
])
def test_serious_situations(declared, claim, cannot_resolve, severity):
    assert complaint_severity(declared, claim, cannot_resolve) == severity


def test_whom_the_party_complained_against_brings_in():
    assert set(coordination_parties("live_room_operator")) == {"consumer", "merchant", "platform"}   # 5.3.1.b-1
    assert set(coordination_parties("merchant")) == {"consumer", "live_room_operator"}              # 5.3.2.f-1
    assert solution_partner("live_room_operator") == "merchant"
    assert solution_partner("merchant") == "live_room_operator"
    assert solution_partner("platform") is None


def test_a_serious_complaint_closes_only_with_its_partner():
    assert not closable("serious", "merchant", {"live_room_operator"})
    assert closable("serious", "merchant", {"live_room_operator", "merchant"})
    assert closable("ordinary", "merchant", {"live_room_operator"})
    assert closable("serious", None, {"platform"})


def test_the_emergency_mechanism_starts_at_the_declared_amount():
    assert not emergency_needed(None, 50000)
    assert not emergency_needed(49999, 50000)
    assert emergency_needed(50000, 50000)
    assert emergency_needed(80000, 50000)
