"""The adapter contract between the conformance suite and a system under test (data in contract.json
and operations/*.json; see README or docs/vendors/contract.md)."""

from .client import ContractClient
from .errors import (AdapterFailure, AdapterLoadError, CapabilityMissing, ContractError, ContractUsageError,
                     ContractViolation)
from .loading import DEFAULT_ADAPTER, check_adapter, load_adapter, opened_adapter
from .protocol import AdapterProtocol
from .schema import Contract, Operation, load_contract

__all__ = [
    "AdapterFailure", "AdapterLoadError", "AdapterProtocol", "CapabilityMissing", "Contract", "ContractClient",
    "ContractError", "ContractUsageError", "ContractViolation", "DEFAULT_ADAPTER", "Operation", "check_adapter",
    "load_adapter", "load_contract", "opened_adapter",
]
