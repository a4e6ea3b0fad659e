"""No false failures from the contract 1.4 scenarios: the conforming variants of conforming_1_4.py pass
every scenario they can run, and a 1.3 system gets exactly the scenarios needing 1.4 as not_tested."""

import pytest

from cascade import run_suite
from test_conforming_1_5 import NEEDS_1_5

# The scenarios that need a capability of contract 1.4 (idempotency, serious_complaints).
NEEDS_1_4 = {
    "带同一幂等键重发的退款请求得到首次的答复，退款不再次办理",
    "幂等键误用于另一退货申请时，该申请不被当作首次请求答复而丢失",
    "要求赔偿的直播间投诉由运营者协调各方，与商家商定解决方案后才结案",
    "直播间运营者表示无法有效处理的投诉转为严重情况，协调消费者、商家和电子商务平台",
    "要求赔偿的商家投诉由商家协调消费者和直播间运营者，与运营者商议解决方案后才结案",
    "赔偿请求达到声明的应急处理启动标准时，直播间运营者启动应急处理机制",
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
    assert {name for name, outcome in outcomes.items() if outcome != "passed"} == NEEDS_1_4 | NEEDS_1_5
    assert {outcomes[name] for name in NEEDS_1_4 | NEEDS_1_5} == {"not_tested"}
