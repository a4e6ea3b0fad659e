"""The HTTP binding of the adapter contract as an OpenAPI 3.1 document, derived from the contract data.

OpenAPI 3.1 speaks JSON Schema Draft 2020-12, the dialect of the contract, so the schemas go in
unchanged but for their references: the shared definitions become components/schemas/<name> and
each operation's request and response become components/schemas/<operation>.request and
<operation>.response. `caaad contract openapi` prints the document; `caaad serve` answers it at
GET /openapi.json.
"""

from typing import Any

from .schema import Contract, load_contract

OPENAPI_VERSION = "3.1.0"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
_REF_PREFIXES = ("../contract.json#/$defs/", "#/$defs/")
_COMPONENTS = "#/components/schemas/"
# Component names of the binding itself; capitalised so they never meet a snake_case definition.
SESSION_SCHEMA = "Session"
ERROR_SCHEMA = "Error"


def request_component(op: str) -> str:
    return f"{op}.request"


def response_component(op: str) -> str:
    return f"{op}.response"


def openapi_document(contract: Contract | None = None) -> dict:
    """The OpenAPI 3.1 document of the HTTP binding of `contract` (default: the kit's)."""
    contract = contract or load_contract()
    schemas: dict[str, Any] = {name: _component(schema) for name, schema in contract.defs.items()}
    for name in (SESSION_SCHEMA, ERROR_SCHEMA):
        if name in schemas:
            raise ValueError(f"contract definition '{name}' clashes with a component of the HTTP binding")
    schemas[SESSION_SCHEMA] = {
        "type": "object", "required": ["session_id"],
        "properties": {"session_id": {"type": "string", "minLength": 1, "maxLength": 128,
                                      "pattern": "^[A-Za-z0-9._~-]+$",
                                      "description": "Opaque; safe to put in a URL path as it is."}},
    }
    schemas[ERROR_SCHEMA] = {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "string", "description": "One line saying what went wrong."}},
    }
    session_param = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"},
                     "description": "A session_id returned by POST /sessions."}
    paths: dict[str, Any] = {
        "/sessions": {"post": {
            "operationId": "open_session", "tags": ["sessions"],
            "summary": "Open a session: a fresh, isolated system (its own clock, parties, products and orders).",
            "description": "The HTTP counterpart of a new in-process adapter instance; the kit opens one per "
                           "scenario. The request body is empty or {}.",
            "responses": {
                "201": _json("The new session.", SESSION_SCHEMA),
                "500": _json("The system could not create a session.", ERROR_SCHEMA)},
        }},
        "/sessions/{session_id}": {"delete": {
            "operationId": "close_session", "tags": ["sessions"], "parameters": [session_param],
            "summary": "End a session and discard its state.",
            "responses": {"204": {"description": "Ended."},
                          "404": _json("No such session.", ERROR_SCHEMA)},
        }},
    }
    for op in contract.operations.values():
        paths[f"/sessions/{{session_id}}/operations/{op.name}"] = {"post": {
            "operationId": op.name, "tags": [op.capability], "summary": op.summary,
            "description": f"{op.description}\n\nCapability `{op.capability}`, since contract {op.since}.",
            "parameters": [session_param],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": _COMPONENTS + request_component(op.name)},
                "example": op.example["request"]}}},
            "responses": {
                "200": {"description": "The operation's answer.", "content": {"application/json": {
                    "schema": {"$ref": _COMPONENTS + response_component(op.name)},
                    "example": op.example["response"]}}},
                "400": _json("The body is not a JSON object.", ERROR_SCHEMA),
                "404": _json("No such session, or the system does not offer the operation.", ERROR_SCHEMA),
                "500": _json("The system failed or refused the request.", ERROR_SCHEMA)},
        }}
        schemas[request_component(op.name)] = _component(op.request_schema)
        schemas[response_component(op.name)] = _component(op.response_schema)
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": DIALECT,
        "info": {"title": f"{contract.title} — HTTP binding", "version": contract.version,
                 "description": contract.description},
        "tags": [{"name": "sessions", "description": "Sessions: one isolated system per scenario."}]
                + [{"name": capability, "description": f"Operations of capability {capability}."}
                   for capability in dict.fromkeys(op.capability for op in contract.operations.values())],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _json(description: str, schema: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": _COMPONENTS + schema}}}}


def _component(schema: Any) -> Any:
    """A copy of `schema` with contract references pointing into components/schemas and no $schema."""
    if isinstance(schema, list):
        return [_component(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copy = {}
    for key, value in schema.items():
        if key == "$schema":
            continue
        if key == "$ref":
            prefix = next((p for p in _REF_PREFIXES if value.startswith(p)), None)
            if prefix is None:
                raise ValueError(f"cannot map contract reference {value!r} into the OpenAPI document")
            value = _COMPONENTS + value[len(prefix):]
        copy[key] = _component(value)
    return copy
