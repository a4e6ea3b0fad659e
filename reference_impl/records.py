"""Helpers shared by the service modules: time stamps and record views."""

from datetime import datetime

from .rules.china_time import CHINA


class ServiceError(ValueError):
    """A request the reference system refuses to carry out (unknown id, wrong state, inconsistent data)."""


def iso(at: datetime) -> str:
    return at.astimezone(CHINA).isoformat()


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def public(doc):
    """The record as the contract shows it: keys starting with "_" are the service's own bookkeeping."""
    if isinstance(doc, dict):
        return {k: public(v) for k, v in doc.items() if not k.startswith("_")}
    if isinstance(doc, list):
        return [public(v) for v in doc]
    return doc
