"""The contract is checked by jsonschema-rs first and by jsonschema for the message: both must give the
same verdict on every instance, valid or not, or a run's outcomes would depend on which one answered."""

import copy

import pytest

from caaad.contract import load_contract

CONTRACT = load_contract()


def mutations(instance):
    """Invalid-looking neighbours of a valid example: each key dropped, an unknown key added, each value
    given the wrong type, nested one level down too."""
    yield {**instance, "unexpected_property": 1}
    for key, value in instance.items():
        yield {k: v for k, v in instance.items() if k != key}
        for wrong in (None, "text", -1, [], {}):
            if type(wrong) is not type(value):
                yield {**instance, key: wrong}
        if isinstance(value, dict):
            for inner in mutations(value):
                yield {**instance, key: inner}
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for inner in mutations(value[0]):
                yield {**instance, key: [inner, *value[1:]]}


@pytest.mark.parametrize(("op", "part"), [(op, part) for op in CONTRACT.operations for part in ("request", "response")])
def test_both_validators_agree(op, part):
    example = CONTRACT.operations[op].example[part]
    slow, fast = CONTRACT.slow_validator(op, part), CONTRACT._fast[op, part]
    assert fast.is_valid(example) and slow.is_valid(example)
    checked = invalid = 0
    for instance in mutations(copy.deepcopy(example)):
        checked += 1
        verdict = slow.is_valid(instance)
        invalid += not verdict
        assert fast.is_valid(instance) == verdict, (op, part, instance)
    assert checked == 0 or invalid, f"{op} {part}: no mutation was invalid; the test would prove nothing"


def test_an_invalid_answer_keeps_its_message_and_path():
    response = copy.deepcopy(CONTRACT.operations["place_order"].example["response"])
    response["order"]["total_paid_fen"] = -1
    assert CONTRACT.first_error("place_order", "response", response) == (
        "$.order.total_paid_fen", "-1 is less than the minimum of 0")


def test_both_meta_checks_agree_on_the_operation_schemas_and_on_broken_ones():
    """load_contract asks jsonschema-rs whether each operation schema is a valid schema, and jsonschema only
    when it is not (to word why): both must say the same."""
    import jsonschema_rs
    from jsonschema import Draft202012Validator
    schemas = [op.request_schema for op in CONTRACT.operations.values()] + \
              [op.response_schema for op in CONTRACT.operations.values()]
    broken = [{"type": 12}, {"minimum": "x"}, {"properties": []}, {"required": "id"}, {"enum": 3}]
    for schema in schemas + broken:
        assert jsonschema_rs.meta.is_valid(schema) == _slow_meta_valid(Draft202012Validator, schema), schema
    assert not any(jsonschema_rs.meta.is_valid(schema) for schema in broken)


def _slow_meta_valid(validator, schema) -> bool:
    from jsonschema.exceptions import SchemaError
    try:
        validator.check_schema(schema)
    except SchemaError:
        return False
    return True
