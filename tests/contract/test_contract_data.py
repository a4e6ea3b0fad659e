"""The contract data itself: well-formed, closed, self-consistent, with examples that validate."""

import json

import pytest
from jsonschema import Draft202012Validator

from caaad.contract import AdapterProtocol, load_contract
from caaad.contract.schema import CONTRACT_DIR

CONTRACT = load_contract()


def _object_schemas(node, path="$"):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield path, node
        for key, value in node.items():
            yield from _object_schemas(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _object_schemas(value, f"{path}[{index}]")


def test_top_level_document():
    document = json.loads((CONTRACT_DIR / "contract.json").read_text(encoding="utf-8"))
    assert set(document) == {"contract_version", "title", "description", "$defs", "operations"}
    assert document["contract_version"] == CONTRACT.version == "1.5.0"
    Draft202012Validator.check_schema({"$defs": document["$defs"]})


def test_every_operation_has_a_file_and_every_file_is_listed():
    files = {p.stem for p in (CONTRACT_DIR / "operations").glob("*.json")}
    assert files == set(CONTRACT.operations)


@pytest.mark.parametrize("name", list(CONTRACT.operations))
def test_examples_validate(name):
    example = CONTRACT.operations[name].example
    assert CONTRACT.first_error(name, "request", example["request"]) is None
    assert CONTRACT.first_error(name, "response", example["response"]) is None


@pytest.mark.parametrize("name", list(CONTRACT.operations))
def test_operation_metadata(name):
    op = CONTRACT.operations[name]
    assert op.since in ("1.0.0", "1.1.0", "1.3.0", "1.5.0")
    assert tuple(map(int, op.since.split("."))) <= tuple(map(int, CONTRACT.version.split(".")))
    assert op.capability in CONTRACT.defs["capability"]["enum"]
    assert op.summary and len(op.description) > len(op.summary)


def test_all_object_schemas_are_closed():
    open_objects = [f"{name}.{part}{path[1:]}" for name, op in CONTRACT.operations.items()
                    for part, schema in (("request", op.request_schema), ("response", op.response_schema))
                    for path, node in _object_schemas(schema) if node.get("additionalProperties") is not False]
    open_objects += [f"$defs{path[1:]}" for path, node in _object_schemas(dict(CONTRACT.defs))
                     if node.get("additionalProperties") is not False]
    assert open_objects == []


def test_core_operations_cover_the_basic_flow():
    assert {"describe", "clock_now", "clock_advance", "create_party", "create_product", "place_order",
            "deliver_order", "request_after_sales", "get_after_sales"} <= set(CONTRACT.core_operations)


def test_protocol_methods_are_the_contract_operations():
    methods = [name for name in vars(AdapterProtocol) if not name.startswith("_")]
    assert methods == list(CONTRACT.operations)


@pytest.mark.parametrize("value, valid", [
    ("2024-03-08T23:59:00+08:00", True), ("2024-03-08T15:59:00Z", True), ("2024-03-08T23:59:00.123+08:00", True),
    ("2024-03-08T23:59:00", False), ("2024-03-08 23:59:00+08:00", False), ("2024-03-08", False)])
def test_timestamps_need_an_offset(value, valid):
    error = CONTRACT.first_error("clock_advance", "request", {"to": value})
    assert (error is None) is valid


@pytest.mark.parametrize("value, valid", [(0, True), (3600, True), ("P7D", True), ("PT36H", True), ("P1DT2H30M", True),
                                          (-1, False), ("P1M", False), ("PT", False), ("P", False), ("7 days", False)])
def test_durations(value, valid):
    assert (CONTRACT.first_error("clock_advance", "request", {"by": value}) is None) is valid


def test_money_is_non_negative_integer_fen():
    order = json.loads(json.dumps(CONTRACT.operations["get_order"].example["response"]))
    order["order"]["total_paid_fen"] = 199.5
    assert CONTRACT.first_error("get_order", "response", order) == ("$.order.total_paid_fen", "199.5 is not of type 'integer'")


def test_no_reason_reason_must_fit_the_class():
    product = json.loads(json.dumps(CONTRACT.operations["create_product"].example["request"]))
    product["no_reason_return"] = {"class": "excluded_by_law", "reason": "near_expiry_or_flawed_disclosed"}
    assert CONTRACT.first_error("create_product", "request", product) is not None
    product["no_reason_return"] = {"class": "excluded_by_law", "reason": "fresh_perishable"}
    assert CONTRACT.first_error("create_product", "request", product) is None


def test_service_terms_only_for_service_goods():
    product = json.loads(json.dumps(CONTRACT.operations["create_product"].example["request"]))
    product["category"] = "service"
    assert CONTRACT.first_error("create_product", "request", product) is not None


def test_load_contract_is_cached():
    assert load_contract() is load_contract()


def test_1_1_additions_are_optional_for_systems():
    """A 1.0 system stays valid: every property added in 1.1.0 is optional in responses."""
    after_sales = CONTRACT.defs["after_sales"]
    assert "amount_requested_fen" in after_sales["properties"] and "amount_requested_fen" not in after_sales["required"]
    assert "rule" not in CONTRACT.defs["decision"]["required"]
    assert "confirmed_by" not in CONTRACT.defs["agreement"]["required"]
    assert "accessories" not in CONTRACT.defs["product"]["required"]
    assert CONTRACT.operations["inspect_return"].since == "1.1.0"
