"""Repeated after-sales requests and the ceiling on a line's refunds (rules/repeats.py)."""

import pytest

from caaad.reference_impl.rules.repeats import HeldRequest, line_refund_ceiling, repeated_request, shares_within

LINE = frozenset({("O1-1", 1)})


def held(status, ground="no_reason", remedy="return_refund", lines=LINE, after_sales_id="A1"):
    return HeldRequest(after_sales_id, ground, remedy, lines, status)


@pytest.mark.parametrize("status", ["pending_merchant", "awaiting_return", "return_shipped", "return_received",
                                    "processing", "in_intervention", "completed"])
def test_a_request_repeating_an_open_or_refunded_one_is_a_repeat(status):
    assert repeated_request("no_reason", "return_refund", LINE, [held(status)]) == "A1"


@pytest.mark.parametrize("status", ["rejected", "closed"])
def test_after_a_rejected_or_closed_request_the_consumer_may_ask_again(status):
    assert repeated_request("no_reason", "return_refund", LINE, [held(status)]) is None


@pytest.mark.parametrize("remedy", ["exchange", "reship"])
def test_a_completed_exchange_or_reshipment_does_not_block_a_new_request(remedy):
    # the replacement may be faulty too
    assert repeated_request("quality_problem", remedy, LINE, [held("completed", "quality_problem", remedy)]) is None
    assert repeated_request("quality_problem", remedy, LINE, [held("processing", "quality_problem", remedy)]) == "A1"


def test_another_quantity_line_ground_or_remedy_is_a_new_request():
    earlier = [held("processing")]
    assert repeated_request("no_reason", "return_refund", frozenset({("O1-1", 2)}), earlier) is None
    assert repeated_request("no_reason", "return_refund", frozenset({("O1-2", 1)}), earlier) is None
    assert repeated_request("missing_item", "return_refund", LINE, earlier) is None
    assert repeated_request("no_reason", "partial_refund", LINE, earlier) is None
    assert repeated_request("no_reason", "return_refund", LINE, []) is None


def test_the_first_holding_request_is_named():
    earlier = [held("rejected", after_sales_id="A1"), held("awaiting_return", after_sales_id="A2")]
    assert repeated_request("no_reason", "return_refund", LINE, earlier) == "A2"


def test_a_line_is_never_refunded_beyond_what_was_paid_for_it():
    assert line_refund_ceiling(10000, 10000, 0) == 10000
    assert line_refund_ceiling(10000, 10000, 3000) == 7000      # a partial refund came first
    assert line_refund_ceiling(10000, 10000, 10000) == 0        # refunded in full already
    assert line_refund_ceiling(10000, 10000, 12000) == 0        # never negative
    assert line_refund_ceiling(5000, 10000, 3000) == 5000       # half the line: its own share is the cap


@pytest.mark.parametrize("amount, ceilings, shares", [
    (7000, [7000], [7000]),
    (0, [100, 200], [0, 0]),
    (300, [100, 200], [100, 200]),
    (100, [100, 200], [33, 67]),
    (2, [1, 1, 1], [1, 1, 0]),          # rounding never pushes a share above its ceiling
    (5, [0, 10], [0, 5]),
])
def test_shares_add_up_and_stay_under_their_ceilings(amount, ceilings, shares):
    assert shares_within(amount, ceilings) == shares
    assert sum(shares) == amount and all(s <= c for s, c in zip(shares, ceilings))


def test_more_than_the_ceilings_allow_is_a_bug():
    with pytest.raises(ValueError, match="do not fit"):
        shares_within(301, [100, 200])
