"""Finding an adapter from "package.module:ClassName" (checking it offers the core operations) or from
the URL of a system served over the HTTP binding ("http://host:port/base": a new session each time)."""

import importlib
from contextlib import contextmanager
from typing import Any, Iterator

from .address import is_url
from .errors import AdapterLoadError
from ..guard import describe_exception, raised_by_system
from .schema import Contract, load_contract

DEFAULT_ADAPTER = "caaad.reference_impl.adapter:ReferenceAdapter"


def check_adapter(adapter_or_class: Any, contract: Contract | None = None) -> list[str]:
    """Names of the contract's core operations the adapter (instance or class) lacks."""
    contract = contract or load_contract()
    return [op for op in contract.core_operations if not callable(getattr(adapter_or_class, op, None))]


def load_adapter(spec: str, contract: Contract | None = None) -> Any:
    """A new adapter instance: a fresh, isolated system under test."""
    if is_url(spec):
        from .http import HttpAdapter
        return HttpAdapter(spec)
    scheme, sep, _ = spec.partition("://")
    if sep:
        raise AdapterLoadError(f"URL scheme '{scheme}' is not served: the HTTP binding takes http:// or https://")
    module_name, sep, class_name = spec.partition(":")
    if not sep or not module_name or not class_name:
        raise AdapterLoadError(f"adapter '{spec}' is not of the form package.module:ClassName or an http(s):// URL")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise AdapterLoadError(f"cannot import module '{module_name}': {exc}") from None
    except BaseException as exc:  # the vendor's module itself is broken (syntax error, raises on import)
        if not raised_by_system(exc):
            raise
        raise AdapterLoadError(f"cannot import module '{module_name}': {describe_exception(exc)}") from None
    cls = getattr(module, class_name, None)
    if cls is None:
        raise AdapterLoadError(f"module '{module_name}' has no attribute '{class_name}'")
    missing = check_adapter(cls, contract)
    if missing:
        raise AdapterLoadError(f"{spec} is missing operations: {', '.join(missing)}")
    try:
        return cls()
    except BaseException as exc:  # a vendor's constructor failing (even by SystemExit) is a load error, in one line
        if not raised_by_system(exc):
            raise
        raise AdapterLoadError(f"cannot create {spec}: {describe_exception(exc)}") from None


@contextmanager
def opened_adapter(spec: str, contract: Contract | None = None) -> Iterator[Any]:
    """A loaded adapter, closed afterwards when it has close() (HttpAdapter: ends its session)."""
    adapter = load_adapter(spec, contract)
    try:
        yield adapter
    finally:
        _close(spec, adapter)


def _close(spec: str, adapter: Any) -> None:
    if not callable(getattr(adapter, "close", None)):
        return
    try:
        adapter.close()
    except BaseException as exc:
        if not raised_by_system(exc):
            raise
        raise AdapterLoadError(f"closing {spec} failed: {describe_exception(exc)}") from None

