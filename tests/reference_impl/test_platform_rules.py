"""Platform rules are declared inside the legal ceilings."""

import pytest
import yaml

from caaad.reference_impl.platform_rules import REQUIRED, load_platform_rules


def test_defaults_load_and_cover_the_required_rules():
    rules = load_platform_rules()
    assert set(REQUIRED) <= set(rules)
    assert rules["refund_after_receipt"].duration.days <= 7
    assert rules["return_address_limit"].duration.days <= 15


def _write(tmp_path, change):
    entries = yaml.safe_load((load_platform_rules.__defaults__[0]).read_text(encoding="utf-8"))
    change(entries)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return path


def test_refund_limit_above_seven_days_is_refused(tmp_path):
    def eight_days(entries):
        next(e for e in entries if e["name"] == "refund_after_receipt").update(value=8, unit="day")
    with pytest.raises(ValueError, match="refund_after_receipt = 8 day exceeds the legal maximum of 7 days"):
        load_platform_rules(_write(tmp_path, eight_days))


def test_return_address_limit_in_hours_is_checked_too(tmp_path):
    def too_long(entries):
        next(e for e in entries if e["name"] == "return_address_limit").update(value=361, unit="hour")
    with pytest.raises(ValueError, match="return_address_limit"):
        load_platform_rules(_write(tmp_path, too_long))


def test_missing_rule_is_refused(tmp_path):
    path = _write(tmp_path, lambda entries: entries.pop(0))
    with pytest.raises(ValueError, match="missing platform rules: after_sales_request_response_limit"):
        load_platform_rules(path)


def test_on_expiry_must_match_what_the_service_does(tmp_path):
    def other(entries):
        next(e for e in entries if e["name"] == "negotiation_period")["on_expiry"] = "none"
    with pytest.raises(ValueError, match="negotiation_period: on_expiry must be platform_decides"):
        load_platform_rules(_write(tmp_path, other))


def test_consultation_and_complaint_limits_are_required_only_with_their_capability():
    from caaad.reference_impl.platform_rules import REQUIRED_FOR_CAPABILITY, check_platform_rules
    optional = {name for names in REQUIRED_FOR_CAPABILITY.values() for name in names}
    rules = {name: rule for name, rule in load_platform_rules().items() if name not in optional}
    assert check_platform_rules(rules) == rules   # a 1.2 system stays valid
    for capability, names in REQUIRED_FOR_CAPABILITY.items():
        with pytest.raises(ValueError, match=f"missing platform rules: {names[0]}"):
            check_platform_rules(rules, capabilities=("core", capability))


def test_the_emergency_threshold_is_an_amount_in_fen(tmp_path):
    assert load_platform_rules()["serious_complaint_emergency_threshold"].value == 50000

    def in_hours(entries):
        next(e for e in entries if e["name"] == "serious_complaint_emergency_threshold").update(unit="hour")
    with pytest.raises(ValueError, match="serious_complaint_emergency_threshold: an amount needs a value ≥ 0 in fen"):
        load_platform_rules(_write(tmp_path, in_hours))

    def complaint_limit_in_fen(entries):
        next(e for e in entries if e["name"] == "complaint_feedback_time_limit").update(unit="fen")
    with pytest.raises(ValueError, match="complaint_feedback_time_limit: a time limit needs"):
        load_platform_rules(_write(tmp_path, complaint_limit_in_fen))
