"""The reference system declares the platform rules the spec names, inside the ceilings the spec records."""

from datetime import timedelta

from caaad.paths import spec_dir
from caaad.reference_impl.platform_rules import load_platform_rules
from caaad.specload import load_spec

UNIT = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}


def spec_platform_params():
    spec = load_spec(spec_dir()).spec
    return {p.name: p for o in spec.obligations.values() for p in o.params if p.kind == "platform_rule"}


def test_every_rule_the_returns_scenarios_read_is_named_in_the_spec():
    params = spec_platform_params()
    declared = load_platform_rules()
    assert {"refund_after_receipt", "return_inspection_time_limit", "perishable_report_window", "negotiation_period",
            "service_refund_after_agreement", "after_sales_request_response_limit"} <= params.keys() & declared.keys()


def test_declared_values_respect_the_spec_ceilings():
    params = spec_platform_params()
    for name, rule in load_platform_rules().items():
        param = params.get(name)
        if param is not None and param.legal_max is not None:
            assert rule.duration <= param.legal_max * UNIT[param.unit], f"{name}: {rule.value} {rule.unit} > {param.legal_max} {param.unit}"
