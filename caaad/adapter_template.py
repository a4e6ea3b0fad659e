"""`caaad adapter new DIR`: a runnable adapter skeleton to start from.

It writes one module with describe() and a working test clock, and every operation of the chosen
capabilities, each with its request and response shape and example in its docstring (from the contract
itself, so the skeleton never drifts from it), raising OperationNotImplemented until the vendor connects
it: the kit reports those scenarios as error naming the operation, never as passed.
"""

import json
import textwrap
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .contract.render import _type as field_type

SKIPPED_IN_BODY = ("describe", "clock_now", "clock_advance")  # written out in full in the template


def _capabilities(contract) -> list[str]:
    return list(contract.defs["capability"]["enum"])


def _operations(contract, chosen):
    return [op for op in contract.operations.values() if op.capability in chosen and op.name not in SKIPPED_IN_BODY]


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
                       autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True)


def render_adapter(contract, chosen: list[str], module: str) -> str:
    operations = [{"name": op.name, "capability": op.capability, "doc": _docstring(op)}
                  for op in _operations(contract, chosen)]
    return _environment().get_template("adapter.py.j2").render(
        contract_version=contract.version, capabilities=chosen, operations=operations, module=module,
        describe_doc=_docstring(contract.operations["describe"]))


def render_readme(module: str, target: Path) -> str:
    return _environment().get_template("adapter_readme.md.j2").render(module=module, target=target)


def _docstring(op) -> str:
    parts = [op.summary, "", *textwrap.wrap(op.description, 96), "",
             "Request:", *_shape(op.request_schema), "", "Response:", *_shape(op.response_schema), "",
             "Example request:", *_json(op.example.get("request", {})), "",
             "Example response:", *_json(op.example.get("response", {}))]
    text = "\n".join(parts).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return textwrap.indent(text, " " * 8).lstrip()


def _shape(schema) -> list[str]:
    variants = schema.get("oneOf") or [schema]
    lines = []
    for index, variant in enumerate(variants):
        prefix = f"  one of ({index + 1}):" if len(variants) > 1 else None
        if prefix:
            lines.append(prefix)
        required = set(variant.get("required", ()))
        properties = variant.get("properties", {})
        lines += [f"  {name}: {field_type(prop).replace('`', '')}{'' if name in required else ' (optional)'}"
                  for name, prop in properties.items()] or ["  {} (empty object)"]
    return lines


def _json(value) -> list[str]:
    return ["  " + line for line in json.dumps(value, ensure_ascii=False, indent=2).splitlines()]
