"""ContractClient: validates both ways, wraps failures in one-line errors, honours capabilities."""

import copy
import json

import pytest

from caaad.contract import (AdapterFailure, CapabilityMissing, ContractClient, ContractUsageError, ContractViolation,
                            load_contract)

CONTRACT = load_contract()


def _example(op):
    return copy.deepcopy(CONTRACT.operations[op].example)


class FakeAdapter:
    """Answers every operation with its contract example; tests break one answer at a time."""

    def __init__(self, capabilities=("core", "returns", "disputes", "agreements", "service_goods")):
        self.description = {**_example("describe")["response"], "capabilities": list(capabilities)}
        self.calls = []

    def describe(self, request):
        self.calls.append("describe")
        return self.description

    def __getattr__(self, op):
        if op not in CONTRACT.operations:
            raise AttributeError(op)
        def answer(request):
            self.calls.append(op)
            return _example(op)["response"]
        return answer


def test_valid_round_trip():
    client = ContractClient(FakeAdapter())
    assert client.call("get_order", {"order_id": "O1"})["order"]["order_id"] == "O1"


def test_invalid_response_names_operation_and_json_path():
    adapter = FakeAdapter()
    broken = _example("get_order")["response"]
    broken["order"]["total_paid_fen"] = -1
    adapter.get_order = lambda request: broken
    with pytest.raises(ContractViolation) as caught:
        ContractClient(adapter).call("get_order", {"order_id": "O1"})
    assert str(caught.value) == "operation get_order: response $.order.total_paid_fen: -1 is less than the minimum of 0"
    assert caught.value.json_path == "$.order.total_paid_fen"


def test_extra_property_in_a_nested_array_is_a_violation():
    adapter = FakeAdapter()
    broken = _example("get_order")["response"]
    broken["order"]["lines"][0]["colour"] = "red"
    adapter.get_order = lambda request: broken
    with pytest.raises(ContractViolation) as caught:
        ContractClient(adapter).call("get_order", {"order_id": "O1"})
    assert caught.value.json_path == "$.order.lines[0]"
    assert "'colour' was unexpected" in str(caught.value)


def test_adapter_exception_becomes_one_line_failure():
    adapter = FakeAdapter()
    def explode(request):
        raise KeyError("no order\nwith that id")
    adapter.get_order = explode
    with pytest.raises(AdapterFailure) as caught:
        ContractClient(adapter).call("get_order", {"order_id": "O1"})
    message = str(caught.value)
    assert message.startswith("operation get_order: adapter failed: KeyError:")
    assert "\n" not in message and caught.value.__cause__ is None


def test_contract_errors_from_the_adapter_pass_through():
    adapter = FakeAdapter()
    def refuse(request):
        raise CapabilityMissing("get_order", "core")
    adapter.get_order = refuse
    with pytest.raises(CapabilityMissing):
        ContractClient(adapter).call("get_order", {"order_id": "O1"})


def test_bad_request_is_a_usage_error_and_never_reaches_the_adapter():
    adapter = FakeAdapter()
    with pytest.raises(ContractUsageError) as caught:
        ContractClient(adapter).call("get_order", {"order": "O1"})
    assert str(caught.value).startswith("operation get_order: request $:")
    assert "get_order" not in adapter.calls


def test_unknown_operation_is_a_usage_error():
    with pytest.raises(ContractUsageError, match="no such operation"):
        ContractClient(FakeAdapter()).call("launch_rocket", {})


def test_undeclared_capability_is_missing():
    adapter = FakeAdapter(capabilities=("core",))
    with pytest.raises(CapabilityMissing) as caught:
        ContractClient(adapter).call("request_intervention", {"after_sales_id": "A1"})
    assert (caught.value.op, caught.value.capability) == ("request_intervention", "disputes")
    assert "request_intervention" not in adapter.calls


def test_missing_method_is_a_missing_capability():
    class Minimal:
        def describe(self, request):
            return _example("describe")["response"]
    with pytest.raises(CapabilityMissing) as caught:
        ContractClient(Minimal()).call("ship_return", {"after_sales_id": "A1", "freight_paid_fen": 0})
    assert caught.value.capability == "returns"


def test_describe_is_fetched_once():
    adapter = FakeAdapter()
    client = ContractClient(adapter)
    client.describe()
    client.call("describe", {})
    client.call("request_intervention", {"after_sales_id": "A2"})
    assert adapter.calls.count("describe") == 1


def test_other_major_contract_version_is_a_violation():
    adapter = FakeAdapter()
    adapter.description["contract_version"] = "2.0.0"
    with pytest.raises(ContractViolation, match=r"\$\.contract_version: the system implements contract 2\.0\.0"):
        ContractClient(adapter).describe()


def test_adapter_cannot_change_the_suites_request():
    adapter = FakeAdapter()
    def mutate(request):
        request["order_id"] = "changed"
        return _example("get_order")["response"]
    adapter.get_order = mutate
    request = {"order_id": "O1"}
    ContractClient(adapter).call("get_order", request)
    assert request == {"order_id": "O1"}


def test_adapter_cannot_change_what_the_suites_request_holds():
    adapter = FakeAdapter()
    def mutate(request):
        request["lines"][0]["quantity"] = 99
        request["lines"].append({"line_id": "O1-9", "quantity": 1})
        return _example("request_after_sales")["response"]
    adapter.request_after_sales = mutate
    request = {"order_id": "O1", "ground": "no_reason", "remedy": "return_refund",
               "lines": [{"line_id": "O1-1", "quantity": 1}]}
    ContractClient(adapter).call("request_after_sales", request)
    assert request["lines"] == [{"line_id": "O1-1", "quantity": 1}]


def test_long_messages_are_shortened_to_one_line():
    adapter = FakeAdapter()
    adapter.get_order = lambda request: {"order": "x" * 1000}
    with pytest.raises(ContractViolation) as caught:
        ContractClient(adapter).call("get_order", {"order_id": "O1"})
    assert len(str(caught.value)) < 320 and "\n" not in str(caught.value)
    json.dumps(str(caught.value))


@pytest.mark.parametrize("op, request_, capability", [
    ("create_party", {"kind": "consumer", "display_name": "甲", "idempotency_key": "k-1"}, "idempotency"),
    ("request_after_sales", {"order_id": "O1", "ground": "no_reason", "remedy": "return_refund",
                             "lines": [{"line_id": "O1-1", "quantity": 1}], "idempotency_key": "k-1"}, "idempotency"),
])
def test_a_request_property_of_an_undeclared_capability_is_not_sent(op, request_, capability):
    adapter = FakeAdapter()
    with pytest.raises(CapabilityMissing) as caught:
        ContractClient(adapter).call(op, request_)
    assert caught.value.capability == capability and op not in adapter.calls
    without = {k: v for k, v in request_.items() if k != "idempotency_key"}
    ContractClient(adapter).call(op, without)  # the same request without the property goes through
    assert op in adapter.calls


def test_serious_complaint_properties_need_their_capability():
    request = {"consumer_id": "P2", "against": "merchant", "text": "漏电", "compensation_claim_fen": 5000}
    with pytest.raises(CapabilityMissing, match="serious_complaints"):
        ContractClient(FakeAdapter(capabilities=("core", "complaints"))).call("submit_complaint", request)
    declared = FakeAdapter(capabilities=("core", "complaints", "serious_complaints"))
    assert ContractClient(declared).call("submit_complaint", request)["complaint"]["severity"] == "serious"


def test_every_state_changing_operation_takes_an_idempotency_key_and_the_read_only_ones_do_not():
    read_only = {"describe", "clock_now", "clock_advance", "get_product", "get_order", "get_after_sales",
                 "get_consultation", "get_complaint", "list_reviews",
                 "get_live_session", "get_live_product", "get_violation_report", "get_after_sales_rules"}
    for name, op in CONTRACT.operations.items():
        keyed = "idempotency_key" in op.request_schema.get("properties", {})
        assert keyed is (name not in read_only), name
        if keyed:
            assert op.request_schema["properties"]["idempotency_key"]["x-capability"] == "idempotency"
            assert "idempotency_key" in op.response_schema["properties"] and "idempotency_key" not in op.response_schema["required"]
