"""No false failures: systems that answer the contract's rules differently from the reference system, and
conform (conforming_1_4.py, conforming_1_5.py), pass every scenario they can run; a system of an older minor
version of the contract gets exactly the scenarios needing a newer capability as not_tested, nothing else."""

import pytest

from cascade import run_all

# The scenarios that need a capability of contract 1.4 (idempotency, serious_complaints).
NEEDS_1_4 = {
    "带同一幂等键重发的退款请求得到首次的答复，退款不再次办理",
    "幂等键误用于另一退货申请时，该申请不被当作首次请求答复而丢失",
    "要求赔偿的直播间投诉由运营者协调各方，与商家商定解决方案后才结案",
    "直播间运营者表示无法有效处理的投诉转为严重情况，协调消费者、商家和电子商务平台",
    "要求赔偿的商家投诉由商家协调消费者和直播间运营者，与运营者商议解决方案后才结案",
    "赔偿请求达到声明的应急处理启动标准时，直播间运营者启动应急处理机制",
}

# The scenarios that need a capability of contract 1.5: live_sessions, then those before and after the stream.
NEEDS_1_5 = {
    "直播中评论区的售后问题在直播结束前转交直播间运营者售后服务人员",
    "直播结束前1分钟评论区出现的售后问题，转交不晚于直播结束",
    "库存只剩1件时按现货成交，售罄后不再作为现货出售",
    "商家将库存更新为0后商品不再作为现货出售，补货后商品卡显示新的库存",
    "预售发货日期推迟后，商品卡在下单前显示新的发货日期，订单按新日期成交",
    "直播间专享价和加赠的赠品在商品卡上如实展示，下单按商品卡结算",
    "没有直播间专享价的商品，商品卡按商品售价展示，下单按商品卡结算",
    "直播中通过商家在线客服咨询，直播期间得到答复并记录所咨询的商品",
    "直播结束前1分钟向商家客服提出的咨询，在直播结束前得到答复",
    "直播间在售的每个商品页面都展示售后服务和争议投诉处理信息或其链接",
    "通过商品页面的举报通道举报违法违规行为，得到举报编号并可查询状态",
    "直播结束后凭举报编号仍可查询举报状态",
    "直播间专享价和加赠的赠品在订单中兑现",
    "直播间承诺直播后发放的优惠券在承诺时间届满时已到达消费者",
}

# The scenarios that need a capability contract 1.5 added before and after the stream (after_sales_plans,
# published_rules, assisted_requests, repairs, merchant_consultations).
NEEDS_1_5 |= {
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


CONFORMING = ["conforming_1_4:RepeatAnsweredWithExisting", "conforming_1_4:EmergencyForEverySeriousComplaint",
              "conforming_1_5:PresaleWhenSoldOut", "conforming_1_5:HandOverAtStreamEnd"]
OLDER = ["conforming_1_4:Contract13System", "conforming_1_5:Contract14System"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every system of this module through the suite in one pytest session (tests/suite/batch.py, one
    results.json and exit code per system, as `caaad run` gives them: bench/check_identical.py), instead
    of one `caaad run` process each."""
    systems = {adapter.partition(":")[2]: adapter for adapter in CONFORMING + OLDER}
    runs = run_all(list(systems), tmp_path_factory.mktemp("conforming"), workers=1, adapters=systems)
    return {adapter: runs[name] for name, adapter in systems.items()}


@pytest.mark.parametrize("variant", ["conforming_1_4:RepeatAnsweredWithExisting",
                                     "conforming_1_4:EmergencyForEverySeriousComplaint",
                                     "conforming_1_5:PresaleWhenSoldOut", "conforming_1_5:HandOverAtStreamEnd"])
def test_another_conforming_answer_passes_everything(runs, variant):
    code, results = runs[variant]
    failing = [(s["name"], s["message"]) for s in results["scenarios"] if s["outcome"] != "passed"]
    assert code == 0 and not failing


@pytest.mark.parametrize("system, needs", [("conforming_1_4:Contract13System", NEEDS_1_4 | NEEDS_1_5),
                                           ("conforming_1_5:Contract14System", NEEDS_1_5)], ids=["contract 1.3", "contract 1.4"])
def test_an_older_system_gets_the_newer_scenarios_not_tested(runs, system, needs):
    code, results = runs[system]
    outcomes = {}
    for scenario in results["scenarios"]:  # every example of an outline counts
        outcomes.setdefault(scenario["name"], set()).add(scenario["outcome"])
    assert code == 0
    assert {name for name, seen in outcomes.items() if seen != {"passed"}} == needs
    assert set().union(*(outcomes[name] for name in needs)) == {"not_tested"}
