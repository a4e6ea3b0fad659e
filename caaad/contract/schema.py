"""Loading the contract (contract.json + operations/*.json) and validating instances against it."""

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..findings import json_path

CONTRACT_DIR = Path(__file__).resolve().parent
# Operation schemas refer to shared definitions as ../contract.json#/$defs/…, which resolves both on
# disk (operations/x.json → contract.json) and under this base URI.
BASE_URI = "https://caaad.example/contract/"
_OPERATION_KEYS = {"name", "since", "capability", "summary", "description", "request", "response", "example"}
_MAX_MESSAGE = 240


@dataclass(frozen=True)
class Operation:
    name: str
    capability: str
    since: str
    summary: str
    description: str
    request_schema: Mapping[str, Any]
    response_schema: Mapping[str, Any]
    example: Mapping[str, Any]


@dataclass(frozen=True)
class Contract:
    version: str
    title: str
    description: str
    defs: Mapping[str, Any]
    operations: Mapping[str, Operation]
    # Each operation's request and response schema compiled by jsonschema-rs: about 25× faster on the valid
    # answers that are nearly all of a run. jsonschema still decides every invalid one and words its message
    # (slow_validator), so both paths give the same verdicts and messages.
    _fast: Mapping[tuple[str, str], Any] = field(repr=False, compare=False)
    _schemas: Mapping[tuple[str, str], Any] = field(repr=False, compare=False)  # the same schemas, refs inlined
    _document: Mapping[str, Any] = field(repr=False, compare=False)  # contract.json, which they refer to
    _slow: dict = field(default_factory=dict, repr=False, compare=False)  # slow_validator's, once made

    def slow_validator(self, op: str, part: str):
        """jsonschema's Draft202012Validator of the op's request or response, made when first needed: a run
        whose answers are all valid never imports jsonschema (0.3 s of each process)."""
        if (op, part) not in self._slow:
            from jsonschema import Draft202012Validator
            self._slow[op, part] = Draft202012Validator(self._schemas[op, part], registry=self._registry)
        return self._slow[op, part]

    @cached_property
    def _registry(self):
        """contract.json as jsonschema's `referencing` resolves the operation schemas' references."""
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012
        return Registry().with_resource(BASE_URI + "contract.json", DRAFT202012.create_resource(dict(self._document)))

    @property
    def core_operations(self) -> list[str]:
        return [name for name, op in self.operations.items() if op.capability == "core"]

    def first_error(self, op: str, part: str, instance: Any) -> tuple[str, str] | None:
        """(json_path, message) of the most relevant error of `instance` as the op's request or
        response, or None when it is valid."""
        if self._fast[op, part].is_valid(instance):
            return None
        from jsonschema.exceptions import best_match  # only for an invalid instance: rare
        error = best_match(self.slow_validator(op, part).iter_errors(instance))
        if error is None:
            return None
        return json_path(error.absolute_path), one_line(error.message)


def one_line(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


def load_contract(directory: Path | str | None = None) -> Contract:
    """The contract shipped with the kit (cached), or the one in `directory`."""
    return _load(Path(directory).resolve() if directory else CONTRACT_DIR)


@lru_cache(maxsize=None)
def _load(directory: Path) -> Contract:
    # Imported here, not with the module: commands that never validate (lint, trace) need not import it.
    import jsonschema_rs
    document = json.loads((directory / "contract.json").read_text(encoding="utf-8"))
    fast_registry = jsonschema_rs.Registry([(BASE_URI + "contract.json", document)])
    capabilities = set(document["$defs"]["capability"]["enum"])
    operations, schemas, fast = {}, {}, {}
    for name in document["operations"]:
        path = directory / "operations" / f"{name}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        if set(data) != _OPERATION_KEYS or data["name"] != name or data["capability"] not in capabilities:
            raise ValueError(f"{path}: not a valid operation file (keys, name or capability)")
        for part in ("request", "response"):
            schema = {**data[part], "$id": f"{BASE_URI}operations/{name}.{part}.json"}
            if not jsonschema_rs.meta.is_valid(schema):  # jsonschema's check, 0.3 s for the 80 schemas, only to word why
                from jsonschema import Draft202012Validator
                Draft202012Validator.check_schema(schema)
            schemas[name, part] = inlined = _inline_refs(schema, document["$defs"])
            fast[name, part] = jsonschema_rs.Draft202012Validator(inlined, registry=fast_registry, offline=True)
        operations[name] = Operation(
            name=name, capability=data["capability"], since=data["since"], summary=data["summary"],
            description=data["description"], request_schema=data["request"], response_schema=data["response"],
            example=data["example"])
    return Contract(
        version=document["contract_version"], title=document["title"], description=document["description"],
        defs=MappingProxyType(document["$defs"]), operations=MappingProxyType(operations),
        _fast=MappingProxyType(fast), _schemas=MappingProxyType(schemas), _document=MappingProxyType(document))


def _inline_refs(schema: dict, defs: dict) -> dict:
    """The same schema with every reference to a shared definition replaced by the definition itself:
    jsonschema resolves a $ref on every validation, which cost three quarters of the suite's checking."""
    def inline(node, seen=()):
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            name = ref.rsplit("/", 1)[-1] if ref.startswith((_SHARED_REF, "#/$defs/")) else None
            if name is not None and name not in seen:  # a recursive definition keeps its reference
                rest = {k: inline(v, seen) for k, v in node.items() if k != "$ref"}
                target = inline(defs[name], seen + (name,))
                return {"allOf": [target], **rest} if rest else target  # siblings of $ref apply as well
            return {k: inline(v, seen) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v, seen) for v in node]
        return node
    return inline(schema)


_SHARED_REF = "../contract.json#/$defs/"
