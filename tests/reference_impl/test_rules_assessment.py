"""The assessment of an after-sales request, the events that fall due on it, and what a dispute's decision
does to it: pure rules, tested on their facts without a store or a clock."""

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from caaad.reference_impl.rules import DEFAULT_RULES
from caaad.reference_impl.rules.assessment import RequestedLine, RequestFacts, assess_request
from caaad.reference_impl.rules.deadlines import falling_due
from caaad.reference_impl.rules.disputes import Decision, decision_effect

CHINA = timezone(timedelta(hours=8))
SIGNED = datetime(2024, 3, 1, 10, 0, tzinfo=CHINA)


def _line(**changes):
    line = RequestedLine("O1-1", 1, "electronics", "permitted", "eligible", "支持7天无理由退货", 7, False, {})
    return dataclasses.replace(line, **changes)


def _facts(ground="no_reason", remedy="return_refund", now=SIGNED + timedelta(days=3), **changes):
    facts = RequestFacts(ground, remedy, (_line(),), "signed", SIGNED, now, False, timedelta(hours=48), "48 hours")
    return dataclasses.replace(facts, **changes)


def _assess(facts):
    return assess_request(DEFAULT_RULES, facts)


def test_no_reason_return_within_the_window_is_granted_and_refused_after_it():
    assert _assess(_facts()) == "accept"
    # the window counts from the day after signing: day 7 ends at midnight China time of 8 March
    assert _assess(_facts(now=datetime(2024, 3, 8, 23, 59, tzinfo=CHINA))) == "accept"
    assert _assess(_facts(now=datetime(2024, 3, 9, 0, 0, tzinfo=CHINA)))[0] == "outside_window"


def test_a_promised_longer_window_is_the_one_counted():
    late = datetime(2024, 3, 20, 12, 0, tzinfo=CHINA)
    assert _assess(_facts(now=late))[0] == "outside_window"
    assert _assess(_facts(now=late, lines=(_line(return_window_days=30),))) == "accept"


def test_excluded_goods_are_refused_with_their_label_and_a_confirmable_exclusion_only_when_confirmed():
    excluded = _line(return_class="excluded_by_law", return_label="定制商品，不适用七天无理由退货")
    assert _assess(_facts(lines=(excluded,))) == ("excluded_by_law", "定制商品，不适用七天无理由退货")
    confirmable = _line(return_class="excluded_with_confirmation", return_label="已拆封不支持七天无理由退货")
    assert _assess(_facts(lines=(confirmable,))) == "accept"  # bought without the consumer's confirmation (7D Art 20)
    confirmed = dataclasses.replace(confirmable, exclusion_confirmed=True)
    assert _assess(_facts(lines=(confirmed,))) == ("excluded_with_confirmation", "已拆封不支持七天无理由退货")


def test_transit_damage_needs_the_damage_recorded_at_delivery_for_every_unit():
    damaged = _line(quantity=2, issues={"transit_damage": 1})
    assert _assess(_facts(ground="transit_damage", lines=(damaged,)))[0] == "not_verified"
    assert _assess(_facts(ground="transit_damage", lines=(_line(quantity=2, issues={"transit_damage": 2}),))) == "accept"


@pytest.mark.parametrize("remedy, days", [("return_refund", 7), ("exchange", 15)])
def test_transit_damage_windows_are_7_days_for_a_refund_and_15_for_an_exchange(remedy, days):
    damaged = (_line(issues={"transit_damage": 1}),)
    last_day = datetime(2024, 3, 1 + days, 23, 59, tzinfo=CHINA)
    assert _assess(_facts(ground="transit_damage", remedy=remedy, lines=damaged, now=last_day)) == "accept"
    assert _assess(_facts(ground="transit_damage", remedy=remedy, lines=damaged,
                          now=last_day + timedelta(minutes=1)))[0] == "outside_window"


def test_perishable_quality_problems_are_reported_within_the_declared_window():
    fresh = (_line(category="fresh"),)
    assert _assess(_facts(ground="quality_problem", lines=fresh, now=SIGNED + timedelta(hours=47))) == "merchant"
    code, detail = _assess(_facts(ground="quality_problem", lines=fresh, now=SIGNED + timedelta(hours=48)))
    assert code == "outside_window" and "48 hours" in detail
    assert _assess(_facts(ground="quality_problem", now=SIGNED + timedelta(days=30))) == "merchant"  # not perishable


def test_prohibited_goods_are_granted_only_when_found_prohibited_or_restricted():
    assert _assess(_facts(ground="prohibited_goods", lines=(_line(legal_status="restricted"),))) == "accept"
    assert _assess(_facts(ground="prohibited_goods"))[0] == "not_verified"


def test_a_lost_parcel_and_goods_not_yet_signed_for():
    assert _assess(_facts(ground="not_delivered", remedy="refund", delivery_outcome="lost", signed_at=None)) == "accept"
    assert _assess(_facts(ground="not_delivered", remedy="refund", delivery_outcome=None, signed_at=None))[0] == "not_verified"
    assert _assess(_facts(delivery_outcome=None, signed_at=None))[0] == "not_delivered_yet"


def test_a_remedy_the_ground_does_not_offer_and_service_grounds_on_goods_are_refused():
    assert _assess(_facts(remedy="compensation"))[0] == "remedy_not_offered"
    assert _assess(_facts(ground="service_below_description", remedy="compensation"))[0] == "remedy_not_offered"
    assert _assess(_facts(ground="service_below_description", remedy="compensation",
                          lines=(_line(category="service"),))) == "merchant"


def test_a_swapped_rule_reaches_the_assessment():
    never_closes = DEFAULT_RULES.replace(window_closes_at=lambda signed_at, days: datetime.max.replace(tzinfo=CHINA))
    assert assess_request(never_closes, _facts(now=SIGNED + timedelta(days=60))) == "accept"


def _record(status="pending_merchant", **changes):
    record = {"status": status, "intervention": None, "refunds": [],
              "deadlines": [{"name": "merchant_response", "due_at": "2024-03-03T10:00:00+08:00", "met_at": None},
                            {"name": "return_inspection", "due_at": "2024-03-05T10:00:00+08:00", "met_at": None}]}
    return {**record, **changes}


def test_what_falls_due_depends_on_the_status():
    assert [what for _, what in falling_due(_record(), [])] == ["merchant_silent"]
    assert [what for _, what in falling_due(_record("return_received"), [])] == ["inspection_overdue"]
    assert falling_due(_record("processing"), []) == []
    negotiating = _record("in_intervention", intervention={"status": "negotiating",
                                                           "negotiation_ends_at": "2024-03-10T10:00:00+08:00"})
    assert falling_due(negotiating, []) == [(datetime(2024, 3, 10, 10, 0, tzinfo=CHINA), "negotiation_over")]


def test_scheduled_refunds_fall_due_at_their_own_time_and_paid_ones_do_not():
    refunds = [{"status": "paid"}, {"status": "scheduled"}]
    due = falling_due(_record("processing", refunds=refunds), ["2024-03-02T10:00:00+08:00", "2024-03-04T10:00:00+08:00"])
    assert due == [(datetime(2024, 3, 4, 10, 0, tzinfo=CHINA), "refund_due")]


@pytest.mark.parametrize("upheld, remedy, amount, status_before, in_progress, effect", [
    (True, "return_refund", None, "rejected", None, "carry_out"),           # a rejection overturned
    (True, "return_refund", None, "pending_merchant", None, "carry_out"),   # a silent merchant
    (True, "return_refund", None, "awaiting_return", "return_refund", None),  # already carried out as decided
    (True, "refund", None, "awaiting_return", "return_refund", "carry_out"),  # the remedy changed
    (True, "return_refund", 5000, "awaiting_return", "return_refund", "carry_out"),  # an amount set
    (False, None, None, "rejected", None, "close"),
    (False, None, None, "awaiting_return", "return_refund", None),
])
def test_what_a_decision_does_to_the_request(upheld, remedy, amount, status_before, in_progress, effect):
    decision = Decision("platform_rules", upheld, remedy, amount, "merchant" if upheld else "none")
    assert decision_effect(decision, status_before, in_progress) == effect


def test_money_owed_without_a_return_falls_due_by_its_own_limit():
    from caaad.reference_impl.rules.deadlines import refund_due_without_return
    now, week, day = SIGNED, timedelta(days=7), timedelta(days=1)
    assert refund_due_without_return(False, False, now, None, week, day) == now + week
    assert refund_due_without_return(False, False, now, now + 2 * day, week, day) == now + 2 * day
    # service goods: the declared limit after the agreement; an agreed date only brings it earlier
    assert refund_due_without_return(True, False, now, None, week, day) == now + day
    assert refund_due_without_return(True, False, now, now + 3 * day, week, day) == now + day
    assert refund_due_without_return(True, False, now, now + timedelta(hours=2), week, day) == now + timedelta(hours=2)
    # compensation is paid when the parties agreed it
    assert refund_due_without_return(True, True, now, now + 3 * day, week, day) == now + 3 * day


def test_the_amount_owed_without_a_return():
    from caaad.reference_impl.rules.money import amount_without_return
    assert amount_without_return("refund", None, None, 8000) == 8000
    assert amount_without_return("partial_refund", None, 3000, 8000) == 3000
    assert amount_without_return("partial_refund", None, 9000, 8000) == 8000  # never more than was paid
    assert amount_without_return("refund", 5000, 3000, 8000) == 5000          # agreed or decided
