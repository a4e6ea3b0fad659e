"""`caaad adapter new DIR`: a runnable adapter skeleton to start from.

It writes one module with describe() and a working test clock, and every operation of the chosen
capabilities, each with its request and response shape and example in its docstring (from the contract
itself, so the skeleton never drifts from it), raising OperationNotImplemented until the vendor connects
it: the kit reports those scenarios as error naming the operation, never as passed.
"""

import json
import keyword
import textwrap
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .contract import load_contract
from .contract.render import _type as field_type
from .usage import UsageError

SKIPPED_IN_BODY = ("describe", "clock_now", "clock_advance")  # written out in full in the template


def register(sub) -> None:
    adapter = sub.add_parser("adapter", help="start an adapter for your system")
    action = adapter.add_subparsers(dest="adapter_command", required=True, metavar="ACTION")
    new = action.add_parser("new", help="write a runnable adapter skeleton into DIR",
                            description="Write DIR/<module>.py: describe(), a test clock, and every operation of "
                                        "the chosen capabilities raising OperationNotImplemented, with its "
                                        "request and response shape; and DIR/README.md saying how to run it.")
    new.add_argument("dir", metavar="DIR")
    new.add_argument("--capabilities", default="core", metavar="LIST",
                     help="comma-separated capabilities to implement (core is always included), e.g. core,returns")
    new.add_argument("--module", default="vendor_adapter", help="the module's name (default vendor_adapter)")
    new.set_defaults(func=cmd_new)


def cmd_new(args) -> int:
    contract = load_contract()
    known = _capabilities(contract)
    chosen = ["core"] + [c for c in dict.fromkeys(p.strip() for p in args.capabilities.split(",")) if c and c != "core"]
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise UsageError(f"--capabilities {args.capabilities}: no capability {', '.join(unknown)} in contract "
                         f"{contract.version}; capabilities are {', '.join(known)}")
    if not args.module.isidentifier() or keyword.iskeyword(args.module):
        raise UsageError(f"--module {args.module}: not a Python module name")
    target = Path(args.dir)
    files = {target / f"{args.module}.py": render_adapter(contract, chosen, args.module),
             target / "README.md": render_readme(args.module, target)}
    existing = [str(p) for p in files if p.exists()]
    if existing:
        raise UsageError(f"{existing[0]}: exists; choose an empty folder (nothing was written)")
    try:
        target.mkdir(parents=True, exist_ok=True)
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise UsageError(f"{target}: {e.strerror or e}") from None
    module = target / f"{args.module}.py"
    print(f"wrote {module} and {target / 'README.md'}: {len(_operations(contract, chosen))} operations to connect")
    print(f"run it: PYTHONPATH={target} caaad run --adapter {args.module}:Adapter --out report/")
    return 0


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
