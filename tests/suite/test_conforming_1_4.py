"""No false failures from the contract 1.4 scenarios: the conforming variants of conforming_1_4.py pass
every scenario they can run, and a 1.3 system gets exactly the scenarios needing 1.4 as not_tested."""

import pytest

from cascade import run_suite

# The scenarios that need a capability of contract 1.4 (idempotency, serious_complaints).
NEEDS_1_4 = {
    "带同一幂等键重发的退款请求得到首次的答复，退款不再次办理",
    "幂等键误用于另一退货申请时，该申请不被当作首次请求答复而丢失",
    "要求赔偿的直播间投诉由运营者协调各方，与商家商定解决方案后才结案",
    "直播间运营者表示无法有效处理的投诉转为严重情况，协调消费者、商家和电子商务平台",
    "要求赔偿的商家投诉由商家协调消费者和直播间运营者，与运营者商议解决方案后才结案",
    "赔偿请求达到声明的应急处理启动标准时，直播间运营者启动应急处理机制",
}


# The scenarios that need a capability contract 1.5 added before and after the stream (after_sales_plans,
# published_rules, assisted_requests, repairs, merchant_consultations).
NEEDS_1_5_POST_SALE = {
    "为直播登记的商品带有与直播间运营者协商确定的售后服务方案，消费者查询到的条款与方案一致",
    "售后服务方案的退换货处理期限超过法定的15天时不以该期限登记",
    "未登录即可获取平台现行售后服务制度的全文及其生效日期",
    "平台代消费者提出的售后申请与消费者本人提出的一样进入商家的处理队列并得到商家的结论",
    "不符合质量要求的商品，消费者申请维修被受理，商家修好后寄回，运费由商家承担",
    "商家承诺保修365天的商品，保修期内直至最后一天提出的维修申请按承诺受理",
    "消费者向商家客服咨询促销活动内容、服务承诺或领取方式，在反馈时限内得到商家的答复",
    "消费者向商家客服咨询商品交付或退换货承诺，在反馈时限内得到商家的答复",
    "商家客服对物流配送咨询的答复包含订单的实际物流状态或运单号",
    "订单在售后服务方案承诺的发货时限届满之时已按承诺的物流方式发出",
}


@pytest.mark.parametrize("variant", ["RepeatAnsweredWithExisting", "EmergencyForEverySeriousComplaint"])
def test_another_conforming_answer_passes_everything(tmp_path, variant):
    code, results = run_suite(f"conforming_1_4:{variant}", tmp_path)
    failing = [(s["name"], s["message"]) for s in results["scenarios"] if s["outcome"] != "passed"]
    assert code == 0 and not failing


def test_a_contract_1_3_system_gets_the_new_scenarios_not_tested(tmp_path):
    code, results = run_suite("conforming_1_4:Contract13System", tmp_path)
    outcomes = {s["name"]: s["outcome"] for s in results["scenarios"]}
    assert code == 0
    assert {name for name, outcome in outcomes.items() if outcome != "passed"} == NEEDS_1_4 | NEEDS_1_5_POST_SALE
    assert {outcomes[name] for name in NEEDS_1_4 | NEEDS_1_5_POST_SALE} == {"not_tested"}


def test_a_contract_1_4_system_gets_the_new_scenarios_not_tested(tmp_path):
    code, results = run_suite("conforming_1_4:Contract14System", tmp_path)
    outcomes = {}
    for scenario in results["scenarios"]:  # every example of an outline counts
        outcomes.setdefault(scenario["name"], set()).add(scenario["outcome"])
    assert code == 0
    assert {name for name, seen in outcomes.items() if seen != {"passed"}} == NEEDS_1_5_POST_SALE
    assert set().union(*(outcomes[name] for name in NEEDS_1_5_POST_SALE)) == {"not_tested"}
