"""The vendor reference page of the contract, rendered as Markdown from the contract data.

The docs site calls render_markdown(load_contract()) at build time, so the page never drifts from
the schemas the kit validates against.
"""

import json
from typing import Any

from .schema import Contract

_DEF_PREFIX = "../contract.json#/$defs/"


def render_markdown(contract: Contract) -> str:
    lines = [f"# Adapter contract {contract.version}", "", contract.title, "", contract.description, "",
             "| operation | capability | summary |", "|---|---|---|"]
    lines += [f"| [`{op.name}`](#{op.name}) | {op.capability} | {op.summary} |" for op in contract.operations.values()]
    for op in contract.operations.values():
        lines += ["", f"## {op.name}", "", f"*{op.summary}* — capability `{op.capability}`, since {op.since}.", "",
                  op.description, "", "**Request**", ""]
        lines += _fields(op.request_schema)
        lines += ["", "**Response**", ""]
        lines += _fields(op.response_schema)
        lines += ["", "**Example**", "", "```json", json.dumps(op.example, ensure_ascii=False, indent=2), "```"]
    lines += ["", "## Shared definitions", "", "| name | type | description |", "|---|---|---|"]
    lines += [f"| `{name}` | {_type(schema)} | {_cell(schema.get('description', ''))} |" for name, schema in contract.defs.items()]
    return "\n".join(lines) + "\n"


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


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
