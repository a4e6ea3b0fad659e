"""The `caaad` command line. Each subcommand is one small function; exit codes:
0 success, 1 findings or failures, 2 unusable arguments or input, 3 a bug in the kit."""

import argparse
import os
import sys

from . import __version__
from .guard import watch_interrupts
from .usage import UsageError, load_clean_spec, spec_path, write_output


def cmd_lint(args) -> int:
    from .lint import lint_loaded
    from .specload import load_spec
    result = load_spec(spec_path(args.spec))
    findings = lint_loaded(result)
    for finding in findings:
        print(finding)
    if findings:
        print(f"{len(findings)} finding(s)", file=sys.stderr)
        return 1
    spec = result.spec
    obligations = list(spec.obligations.values())
    by_mode = {m: sum(o.mode == m for o in obligations) for m in ("automated", "hybrid", "documentary")}
    if any(o.informative for o in obligations):  # Annex A's text: recorded, never verified
        by_mode["informative"] = sum(o.informative for o in obligations)
    print(f"spec OK: {spec.standard['code']} — {len(spec.clauses)} clauses, {len(spec.statements)} statements, "
          f"{len(obligations)} obligations ({', '.join(f'{n} {m}' for m, n in by_mode.items())}), "
          f"{len(spec.terms)} terms; digest {spec.digest[:19]}…")
    return 0


def cmd_export(args) -> int:
    from .export import export_csv, export_json
    text = (export_json if args.format == "json" else export_csv)(load_clean_spec(args.spec))
    write_output(text if args.output or text.endswith("\n") else text + "\n", args.output)
    return 0


def cmd_show(args) -> int:
    from .export import show
    text = show(load_clean_spec(args.spec), args.id)
    if text is None:
        raise UsageError(f"unknown clause, statement or obligation id: {args.id}")
    print(text.rstrip())
    return 0


def cmd_accept(args) -> int:
    from .accept import AcceptError, accept
    try:
        accepted = accept(spec_path(args.spec), args.ids)
    except AcceptError as e:
        raise UsageError(str(e)) from None
    print(f"accepted {len(accepted)} fingerprint(s)" + (f": {', '.join(accepted)}" if 0 < len(accepted) <= 12 else ""))
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is one line (argparse prints its whole usage block first); every
    subcommand's parser is one of these too (add_subparsers makes them of the parent's class)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="caaad", description="Conformance kit for T/CAAAD 001—2023 网络直播营销售后服务规范")
    parser.add_argument("--version", action="version", version=f"caaad {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_spec(p):
        p.add_argument("--spec", metavar="DIR", help="spec directory (default: the kit's own)")
        return p

    with_spec(sub.add_parser("lint", help="check the spec")).set_defaults(func=cmd_lint)
    spec = sub.add_parser("spec", help="export, show or accept spec records")
    spec_sub = spec.add_subparsers(dest="spec_command", required=True, metavar="ACTION")
    export = with_spec(spec_sub.add_parser("export", help="all obligations as JSON or CSV"))
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("-o", "--output", metavar="FILE")
    export.set_defaults(func=cmd_export)
    show = with_spec(spec_sub.add_parser("show", help="a clause, statement or obligation, bilingual"))
    show.add_argument("id")
    show.set_defaults(func=cmd_show)
    acc = with_spec(spec_sub.add_parser("accept", help="accept reviewed clause text (updates fingerprints)"))
    acc.add_argument("ids", nargs="+", metavar="ID", help="clause, statement or obligation id, or 'all'")
    acc.set_defaults(func=cmd_accept)

    for register in _extra_commands():
        register(sub)
    return parser


def _extra_commands():
    """Subcommands that live in their own modules (run, diff, adapter, export, trace, serve, contract, and the
    auditor's)."""
    from . import adapter_template, diff, oscal, runner, serve, trace
    from .certify import commands as certify
    from .contract import openapi
    return (runner.register, diff.register, adapter_template.register, oscal.register, trace.register, serve.register,
            openapi.register, certify.register)


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    watch_interrupts()  # so an adapter's own KeyboardInterrupt is told from the user's (caaad/guard.py)
    try:
        return args.func(args)
    except UsageError as e:
        print(f"caaad: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug in the kit: one line unless asked for the traceback
        if os.environ.get("CAAAD_DEBUG"):
            raise
        print(f"caaad: internal error: {type(e).__name__}: {e} (set CAAAD_DEBUG=1 for the traceback)", file=sys.stderr)
        return 3
