"""Finding an adapter from "package.module:ClassName" (checking it offers the core operations) or from
the URL of a system served over the HTTP binding ("http://host:port/base": a new session each time)."""

import importlib
from contextlib import contextmanager
from typing import Any, Iterator

from .errors import AdapterLoadError
from .schema import Contract, load_contract

DEFAULT_ADAPTER = "caaad.reference_impl.adapter:ReferenceAdapter"


def check_adapter(adapter_or_class: Any, contract: Contract | None = None) -> list[str]:
    """Names of the contract's core operations the adapter (instance or class) lacks."""
    contract = contract or load_contract()
    return [op for op in contract.core_operations if not callable(getattr(adapter_or_class, op, None))]


def load_adapter(spec: str, contract: Contract | None = None) -> Any:
    """A new adapter instance: a fresh, isolated system under test."""
    from .http import HttpAdapter, is_url
    if is_url(spec):
        return HttpAdapter(spec)
    module_name, sep, class_name = spec.partition(":")
    if not sep or not module_name or not class_name:
        raise AdapterLoadError(f"adapter '{spec}' is not of the form package.module:ClassName or an http(s):// URL")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise AdapterLoadError(f"cannot import module '{module_name}': {exc}") from None
    cls = getattr(module, class_name, None)
    if cls is None:
        raise AdapterLoadError(f"module '{module_name}' has no attribute '{class_name}'")
    missing = check_adapter(cls, contract)
    if missing:
        raise AdapterLoadError(f"{spec} is missing operations: {', '.join(missing)}")
    try:
        return cls()
    except Exception as exc:  # a vendor's constructor failing is a load error, reported in one line
        raise AdapterLoadError(f"cannot create {spec}: {type(exc).__name__}: {exc}") from None


@contextmanager
def opened_adapter(spec: str, contract: Contract | None = None) -> Iterator[Any]:
    """A loaded adapter, closed afterwards when it has close() (HttpAdapter: ends its session)."""
    adapter = load_adapter(spec, contract)
    try:
        yield adapter
    finally:
        if callable(getattr(adapter, "close", None)):
            adapter.close()

