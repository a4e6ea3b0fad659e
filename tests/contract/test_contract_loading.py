"""load_adapter / check_adapter: one clear line for every way an adapter spec can be wrong."""

import textwrap

import pytest

from caaad.contract import AdapterLoadError, check_adapter, load_adapter, load_contract
from caaad.contract.loading import DEFAULT_ADAPTER

CONTRACT = load_contract()


@pytest.fixture
def vendor_module(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    def write(name, source):
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        return name
    return write


def test_default_adapter_loads_and_is_complete():
    adapter = load_adapter(DEFAULT_ADAPTER)
    assert check_adapter(adapter, CONTRACT) == []
    assert all(callable(getattr(adapter, op)) for op in CONTRACT.operations)


def test_unknown_module():
    with pytest.raises(AdapterLoadError) as caught:
        load_adapter("no_such_vendor_mod:Adapter")
    assert str(caught.value) == "cannot import module 'no_such_vendor_mod': No module named 'no_such_vendor_mod'"


def test_unknown_class(vendor_module):
    vendor_module("vendor_a", "class Other: pass\n")
    with pytest.raises(AdapterLoadError) as caught:
        load_adapter("vendor_a:Adapter")
    assert str(caught.value) == "module 'vendor_a' has no attribute 'Adapter'"


def test_missing_core_operations(vendor_module):
    vendor_module("vendor_b", """
        class Adapter:
            def create_party(self, request): return {}
    """)
    with pytest.raises(AdapterLoadError) as caught:
        load_adapter("vendor_b:Adapter")
    assert str(caught.value).startswith("vendor_b:Adapter is missing operations: describe, clock_now, clock_advance, create_product")
    assert "create_party" not in str(caught.value) and "ship_return" not in str(caught.value)


def test_optional_operations_may_be_absent(vendor_module):
    core = "\n".join(f"    def {op}(self, request): return {{}}" for op in CONTRACT.core_operations)
    vendor_module("vendor_c", f"class Adapter:\n{core}\n")
    assert type(load_adapter("vendor_c:Adapter")).__name__ == "Adapter"


def test_constructor_failure(vendor_module):
    core = "\n".join(f"    def {op}(self, request): return {{}}" for op in CONTRACT.core_operations)
    vendor_module("vendor_d", f"class Adapter:\n    def __init__(self): raise RuntimeError('no VENDOR_URL set')\n{core}\n")
    with pytest.raises(AdapterLoadError) as caught:
        load_adapter("vendor_d:Adapter")
    assert str(caught.value) == "cannot create vendor_d:Adapter: RuntimeError: no VENDOR_URL set"


@pytest.mark.parametrize("spec", ["vendor", "vendor:", ":Adapter"])
def test_malformed_spec(spec):
    with pytest.raises(AdapterLoadError, match="is not of the form package.module:ClassName"):
        load_adapter(spec)


def test_check_adapter_on_a_class():
    class Partial:
        def describe(self, request): ...
    missing = check_adapter(Partial, CONTRACT)
    assert "describe" not in missing and missing[0] == "clock_now"
    assert missing == [op for op in CONTRACT.core_operations if op != "describe"]
