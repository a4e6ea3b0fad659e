"""The vendor reference page of the contract, rendered as Markdown from the contract data.

The docs site calls render_markdown(load_contract()) at build time, so the page never drifts from
the schemas the kit validates against.
"""

import json
import re
from typing import Any

from .schema import Contract

_DEF_PREFIX = "../contract.json#/$defs/"


def render_markdown(contract: Contract) -> str:
    lines = [f"# 适配器契约 Adapter contract {contract.version}", "", _prose(contract.title), "",
             _prose(contract.description), "",
             "| operation | capability | summary |", "|---|---|---|"]
    lines += [f"| [`{op.name}`](#{op.name}) | {op.capability} | {_prose(op.summary)} |" for op in contract.operations.values()]
    lines += ["", *_HTTP_BINDING.strip("\n").splitlines()]
    for op in contract.operations.values():
        lines += ["", f"## {op.name}", "", f"*{_prose(op.summary)}* — capability `{op.capability}`, since {op.since}.", "",
                  _prose(op.description), "", "**Request**", ""]
        lines += _fields(op.request_schema)
        lines += ["", "**Response**", ""]
        lines += _fields(op.response_schema)
        lines += ["", "**Example**", "", "```json", json.dumps(op.example, ensure_ascii=False, indent=2), "```"]
    lines += ["", "## Shared definitions", "", "| name | type | description |", "|---|---|---|"]
    lines += [f"| `{name}` | {_type(schema)} | {_cell(schema.get('description', ''))} |" for name, schema in contract.defs.items()]
    return "\n".join(lines) + "\n"


_HTTP_BINDING = """
## HTTP binding

Since 1.2.0. A system written in any language is tested over HTTP with
`caaad run --adapter http://HOST:PORT/BASE` (or `https://`). The operations, their requests and their
responses are exactly those of this page; only the transport differs.

| request | answer |
|---|---|
| `POST {base}/sessions` (body empty or `{}`) | `201` `{"session_id": "…"}`: a fresh, isolated system with its own test clock, parties, products and orders — the counterpart of a new in-process adapter instance. The kit opens one per scenario. |
| `POST {base}/sessions/{session_id}/operations/{operation}` with the operation's request as the JSON body | `200` with the operation's response as the JSON body |
| `DELETE {base}/sessions/{session_id}` | `204`: the session has ended; its state may be discarded |

Errors, each with the body `{"error": "one line saying why"}`: `404` unknown session or operation (an
operation of a capability the system does not declare need not be served); `400` a body that is not
a JSON object; `500` the system failed or refused the request — what an in-process adapter does by
raising. The kit reports these, a refused connection, a timeout or an answer that is not JSON as the
scenario's error (`AdapterFailure`): one line naming the operation, the URL and the cause. A system it
cannot reach when the run starts stops the run with one line.

- Bodies are JSON in UTF-8 (`Content-Type: application/json`). The kit validates every request it
  sends and every response it gets against the schemas; the server need not validate anything.
- Sessions are independent and may be used at the same time (`caaad run -n N`); calls within one
  session come one at a time. `session_id` is opaque and URL-safe.
- The kit waits `CAAAD_HTTP_TIMEOUT` seconds per call (default 30) and follows no redirects. A user and
  password in the URL (`https://user:token@host/…`) are sent as HTTP Basic authentication and never
  printed or written to a report.
- `caaad contract openapi` prints the OpenAPI 3.1 document of this binding (every operation's request
  and response as components, derived from the same schemas); `caaad serve` also answers it at
  `GET /openapi.json`.
- `caaad serve [--adapter module:Class] [--host 127.0.0.1] [--port 8000]` serves any Python adapter —
  by default the reference system — over this binding, one adapter instance per session.
"""


def _fields(schema: dict) -> list[str]:
    variants = schema.get("oneOf") or [schema]
    rows = []
    for index, variant in enumerate(variants):
        if len(variants) > 1:
            rows += ["", f"One of ({index + 1}):", ""]
        properties = variant.get("properties", {})
        if not properties:
            rows.append("(empty object)")
            continue
        required = set(variant.get("required", []))
        rows += ["| field | type | required | description |", "|---|---|---|---|"]
        rows += [f"| `{name}` | {_type(prop)} | {'yes' if name in required else 'no'} | {_cell(prop.get('description', ''))} |"
                 for name, prop in properties.items()]
    return rows


def _type(schema: Any) -> str:
    if "$ref" in schema:
        return f"`{schema['$ref'].removeprefix(_DEF_PREFIX).removeprefix('#/$defs/')}`"
    if "enum" in schema:
        return " \\| ".join(f"`{value}`" for value in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    if "anyOf" in schema:
        return " or ".join("null" if part.get("type") == "null" else _type(part) for part in schema["anyOf"])
    if schema.get("type") == "array":
        return f"array of {_type(schema['items'])}"
    return str(schema.get("type", "object"))


def _prose(text: str) -> str:
    """Contract prose as Markdown text: placeholders such as <name> are words, not HTML tags (code
    spans stay as written: Markdown shows them literally)."""
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(p if p.startswith("`") else p.replace("<", "&lt;").replace(">", "&gt;") for p in parts)


def _cell(text: str) -> str:
    return _prose(" ".join(text.split())).replace("|", "\\|")
