"""Errors of the adapter contract. Each prints as one line naming the operation (and the JSON path)."""


class ContractError(Exception):
    """Base class: something went wrong between the suite and the system under test."""


class ContractUsageError(ContractError):
    """The suite sent a request the contract does not allow: a bug in the suite, not in the system."""

    def __init__(self, op: str, json_path: str, message: str):
        self.op, self.json_path, self.message = op, json_path, message
        super().__init__(f"operation {op}: request {json_path}: {message}")


class ContractViolation(ContractError):
    """The system answered outside the contract (scenario outcome: error)."""

    def __init__(self, op: str, json_path: str, message: str):
        self.op, self.json_path, self.message = op, json_path, message
        super().__init__(f"operation {op}: response {json_path}: {message}")


class AdapterFailure(ContractError):
    """The adapter raised instead of answering (scenario outcome: error)."""

    def __init__(self, op: str, message: str):
        self.op, self.message = op, message
        super().__init__(f"operation {op}: adapter failed: {message}")


class CapabilityMissing(ContractError):
    """The system does not offer the operation (scenario outcome: not_tested, never passed)."""

    def __init__(self, op: str, capability: str):
        self.op, self.capability = op, capability
        super().__init__(f"operation {op}: capability '{capability}' not offered by the system under test")


class AdapterLoadError(ContractError):
    """An adapter named on the command line cannot be loaded."""
