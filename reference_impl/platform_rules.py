"""The reference system's platform rules: loaded from platform_rules.yaml and checked against the
legal ceilings, so the system can never declare a limit the law does not allow."""

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).resolve().parent / "platform_rules.yaml"
_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}
# Ceilings set by law (7D Art 13: refund within 7 days of receipt; 7D Art 11, 31: return address and
# handling within 15 days of the request).
LEGAL_MAXIMA = {"refund_after_receipt": timedelta(days=7), "return_address_limit": timedelta(days=15),
                "after_sales_request_response_limit": timedelta(days=15)}
# What the service does when these limits pass; a declaration must say the same.
IMPLEMENTED_ON_EXPIRY = {"after_sales_request_response_limit": "request_accepted", "negotiation_period": "platform_decides",
                         "return_inspection_time_limit": "deemed_received_intact",
                         "complaint_feedback_time_limit": "escalated_to_platform"}
REQUIRED = ("after_sales_request_response_limit", "return_address_limit", "refund_after_receipt", "perishable_report_window",
            "return_inspection_time_limit", "negotiation_period", "service_refund_after_agreement")
# Since contract 1.3.0: rules required only of a system that declares the capability that uses them,
# so a 1.2 system's describe() stays valid.
REQUIRED_FOR_CAPABILITY = {"consultations": ("after_sales_inquiry_response_limit",),
                           "complaints": ("complaint_feedback_time_limit",),
                           "serious_complaints": ("serious_complaint_emergency_threshold",)}
# Since contract 1.4.0: rules that are amounts, not time limits.
AMOUNTS = {"serious_complaint_emergency_threshold": "fen"}


@dataclass(frozen=True)
class PlatformRule:
    name: str
    value: float
    unit: str
    on_expiry: str
    description: str = ""

    @property
    def duration(self) -> timedelta:
        return self.value * _UNITS[self.unit]


def load_platform_rules(path: Path = RULES_FILE) -> dict[str, PlatformRule]:
    return dict(_load_checked(path))


@lru_cache(maxsize=8)  # every new system (one per scenario) reads the same file
def _load_checked(path: Path) -> dict[str, PlatformRule]:
    entries = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    rules = {entry["name"]: PlatformRule(**entry) for entry in entries}
    # the reference system declares every capability, so it needs every rule
    return check_platform_rules(rules, source=str(path), capabilities=tuple(REQUIRED_FOR_CAPABILITY))


def check_platform_rules(rules: dict[str, PlatformRule], source: str = "platform rules",
                         capabilities: tuple[str, ...] = ()) -> dict[str, PlatformRule]:
    required = REQUIRED + tuple(name for c in capabilities for name in REQUIRED_FOR_CAPABILITY.get(c, ()))
    missing = [name for name in required if name not in rules]
    if missing:
        raise ValueError(f"{source}: missing platform rules: {', '.join(missing)}")
    for name, rule in rules.items():
        if name in AMOUNTS:
            if rule.unit != AMOUNTS[name] or rule.value < 0:
                raise ValueError(f"{source}: {name}: an amount needs a value ≥ 0 in {AMOUNTS[name]}")
        elif rule.unit not in _UNITS or rule.value < 0:
            raise ValueError(f"{source}: {name}: a time limit needs a value ≥ 0 in minute, hour or day")
        if IMPLEMENTED_ON_EXPIRY.get(name, rule.on_expiry) != rule.on_expiry:
            raise ValueError(f"{source}: {name}: on_expiry must be {IMPLEMENTED_ON_EXPIRY[name]}, what the service does")
        if name in LEGAL_MAXIMA and rule.duration > LEGAL_MAXIMA[name]:
            raise ValueError(f"{source}: {name} = {rule.value} {rule.unit} exceeds the legal maximum of {LEGAL_MAXIMA[name].days} days")
    return rules
