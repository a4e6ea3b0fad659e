"""Before and after the stream (contract 1.5): the after-sales plan's legal ceiling (5.1.3.e-2), the shipment it
promises (5.3.2.j-1), the published rules (5.1.4.a-2), the logistics answer (5.3.2.h-1), repair (5.3.2.b-2) and a
request the platform files for a consumer (5.3.2.b-1) — the pure rules, then the reference system through the
contract."""

from datetime import datetime, timedelta

import pytest

from caaad.contract.errors import AdapterFailure
from caaad.reference_impl.rules.china_time import CHINA
from caaad.reference_impl.rules.consultations import consultation_route, logistics_answer
from caaad.reference_impl.rules.eligibility import assisted_verdict, remedies_offered
from caaad.reference_impl.rules.plans import plan_problem, promised_shipment, ship_time
from caaad.reference_impl.rules.publication import published_rules

T0 = datetime(2024, 3, 1, 10, 0, tzinfo=CHINA)
PLAN = {"agreed_with": "P9", "agreed_at": "2024-03-01T09:00:00+08:00", "ship_within_hours": 48, "stock_quantity": 10,
        "presale_quantity": 5, "logistics_method": "快递配送", "return_exchange_method": "寄回商家",
        "return_handling_days": 15, "complaint_process": "受理、答复、办结", "complaint_feedback_hours": 24}


@pytest.mark.parametrize("days, refused", [(1, False), (15, False), (16, True), (365, True)])
def test_a_plan_is_refused_only_beyond_the_15_day_ceiling(days, refused):
    problem = plan_problem({**PLAN, "return_handling_days": days})
    assert (problem is not None) is refused
    if refused:
        assert "15" in problem and "第三十一条" in problem


def test_the_earliest_promise_of_an_order_binds_it():
    slow = {**PLAN, "ship_within_hours": 72, "logistics_method": "物流送货上门"}
    assert promised_shipment(T0, [slow, PLAN]) == ("快递配送", T0 + timedelta(hours=48))
    assert promised_shipment(T0, []) is None


def test_the_reference_merchant_ships_at_once():
    assert ship_time(T0, T0 + timedelta(hours=48)) == T0


def test_the_published_rules_are_in_force_and_state_every_declared_limit():
    declared = [{"name": "after_sales_request_response_limit", "value": 48, "unit": "hour", "on_expiry": "request_accepted",
                 "description": "商家处理售后申请的时限"}]
    rules = published_rules(declared, T0)
    assert rules["effective_from"] <= T0 and rules["version"]
    assert "商家处理售后申请的时限：48小时；逾期未处理的，视为同意该申请" in rules["full_text"]


def test_a_logistics_answer_states_the_shipping_status_and_tracking_number():
    waiting = {"logistics_method": "快递配送", "ship_by": "2024-03-03T10:00:00+08:00", "shipped_at": None,
               "shipped_by_method": None, "tracking_number": None}
    assert "尚未发货" in logistics_answer(waiting)
    shipped = {**waiting, "shipped_at": "2024-03-01T10:00:00+08:00", "shipped_by_method": "快递配送", "tracking_number": "CA7"}
    assert "已于" in logistics_answer(shipped) and "CA7" in logistics_answer(shipped)


@pytest.mark.parametrize("topic", ["promotion", "service_commitment", "benefit_claim", "delivery", "logistics",
                                   "return_exchange_commitment"])
def test_the_merchants_customer_service_answers_its_topics(topic):
    assert consultation_route(topic) == "answer"


def test_repair_is_a_remedy_for_a_quality_problem_only():
    assert "repair" in remedies_offered("quality_problem")
    assert "repair" not in remedies_offered("no_reason")


def test_a_request_filed_by_the_platform_gets_the_consumers_verdict():
    assert assisted_verdict("platform", "merchant") == assisted_verdict("consumer", "merchant") == "merchant"


# --- the reference system through the contract ----------------------------------------------------------------

@pytest.fixture
def planned(shop):
    shop.at("2024-03-01T09:00:00+08:00")
    operator = shop.call("create_party", kind="live_room_operator", display_name="直播间甲")["party_id"]
    return shop, {**PLAN, "agreed_with": operator}


def test_a_plan_beyond_the_ceiling_is_refused_in_one_line(planned):
    shop, plan = planned
    with pytest.raises(AdapterFailure, match="退换货处理期限 16 天超过法定上限 15 天"):
        shop.product(after_sales_plan={**plan, "return_handling_days": 16})


def test_a_plan_must_be_agreed_with_a_live_room_operator(planned):
    shop, plan = planned
    with pytest.raises(AdapterFailure, match="is a merchant, not a live_room_operator"):
        shop.product(after_sales_plan={**plan, "agreed_with": shop.merchant})


def test_an_order_ships_as_its_plan_promises(planned):
    shop, plan = planned
    product = shop.product(after_sales_plan=plan, warranty_days=365)
    assert product["after_sales_plan"] == plan and product["warranty_days"] == 365
    order = shop.order(product)
    shipment = order["shipment"]
    assert shipment["logistics_method"] == shipment["shipped_by_method"] == "快递配送"
    assert shipment["shipped_at"] == order["placed_at"] and shipment["tracking_number"]
    assert datetime.fromisoformat(shipment["ship_by"]) == datetime.fromisoformat(order["placed_at"]) + timedelta(hours=48)
    assert shop.order(shop.product())["shipment"] is None  # no plan, no promise


def test_the_published_rules_state_each_limit_in_words(shop):
    rules = shop.call("get_after_sales_rules")["rules"]
    assert "after_sales_request_response_limit" not in rules["full_text"]  # each article in words, not the rule's name
    assert "逾期未处理的，视为同意该申请" in rules["full_text"]
