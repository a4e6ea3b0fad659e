"""End to end: a conforming system that never leaves a request waiting for the merchant makes the
scenarios that need one not_tested, with the reason, and the run exits 0."""

from cascade import run_suite


def test_unreachable_precondition_is_not_tested_not_failed(tmp_path):
    code, results = run_suite("mutants:InstantApproval", tmp_path, "-k", "商家拒绝售后申请后消费者申请平台介入被受理")
    [scenario] = results["scenarios"]
    assert scenario["obligations"] == ["5.4.4.b-1"] and scenario["outcome"] == "not_tested", scenario
    assert scenario["message"].startswith("precondition not reachable: the scenario needs a request waiting for "
                                          "the merchant's decision"), scenario["message"]
    assert code == 0
    [row] = [o for o in results["obligations"] if o["id"] == "5.4.4.b-1"]
    assert row["outcome"] == "not_tested"


def test_the_same_scenario_passes_on_the_reference_system(tmp_path):
    code, results = run_suite("caaad.reference_impl.adapter:ReferenceAdapter", tmp_path, "-k",
                              "商家拒绝售后申请后消费者申请平台介入被受理")
    assert code == 0 and [s["outcome"] for s in results["scenarios"]] == ["passed"]
