"""ContractClient: the only way the suite talks to a system under test.

Every request is validated before it is sent (a bad one is a bug in the suite), every response after
it comes back (a bad one is the system's fault), and operations of a capability the system does not
declare are refused with CapabilityMissing, so a scenario is reported not_tested instead of passed; so
is a request carrying a property of a capability the system does not declare (x-capability in the
operation's request schema, e.g. idempotency_key).
"""

from typing import Any

from .errors import AdapterFailure, CapabilityMissing, ContractError, ContractUsageError, ContractViolation
from .. import limits
from ..guard import describe_exception, raised_by_system
from .schema import Contract, load_contract, one_line


class ContractClient:
    def __init__(self, adapter: Any, contract: Contract | None = None):
        self.adapter = adapter
        self.contract = contract or load_contract()
        self._description: dict | None = None

    def describe(self) -> dict:
        """The system's describe() answer, fetched once and checked against the contract version."""
        if self._description is None:
            description = self._invoke("describe", {})
            self._check_version(description["contract_version"])
            self._description = description
        return self._description

    def call(self, op: str, request: dict) -> dict:
        if op == "describe":
            return self.describe()
        operation = self.contract.operations.get(op)
        if operation is None:
            raise ContractUsageError(op, "$", "no such operation in contract " + self.contract.version)
        declared = self.describe()["capabilities"]
        if operation.capability != "core" and operation.capability not in declared:
            raise CapabilityMissing(op, operation.capability)
        # A request property added for a capability (x-capability) goes only to a system declaring it:
        # an older system would refuse a property it does not know.
        for name in request:
            needed = operation.request_schema.get("properties", {}).get(name, {}).get("x-capability")
            if needed and needed not in declared:
                raise CapabilityMissing(op, needed)
        return self._invoke(op, request)

    def _invoke(self, op: str, request: dict) -> dict:
        error = self.contract.first_error(op, "request", request)
        if error:
            raise ContractUsageError(op, *error)
        method = getattr(self.adapter, op, None)
        if not callable(method):
            raise CapabilityMissing(op, self.contract.operations[op].capability)
        try:
            limits.current_operation = op  # named if the scenario's time limit strikes now
            # The adapter gets its own copy: nothing it does can change the suite's data.
            response = method(_copied(request))
        except ContractError:
            raise
        except BaseException as exc:  # any failure of the system under test is reported, not crashed on (caaad/guard.py)
            if not raised_by_system(exc):
                raise
            raise AdapterFailure(op, one_line(describe_exception(exc))) from None
        finally:
            limits.current_operation = None
        error = self.contract.first_error(op, "response", response)
        if error:
            raise ContractViolation(op, *error)
        return response

    def _check_version(self, declared: str) -> None:
        if declared.split(".")[0] != self.contract.version.split(".")[0]:
            raise ContractViolation(
                "describe", "$.contract_version",
                f"the system implements contract {declared}, this kit speaks {self.contract.version}")


def _copied(value):
    """A copy of a request that has passed its schema: JSON values only (objects, arrays, scalars), so only
    containers need copying; a quarter of what copy.deepcopy spent on its generality (memo, dispatch)."""
    kind = type(value)
    if kind is dict:
        return {key: _copied(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return kind(_copied(item) for item in value)
    return value
