"""The `caaad` command line. Each subcommand is one small function; exit codes:
0 success, 1 findings or failures, 2 unusable arguments or input, 3 a bug in the kit."""

import argparse
import os
import sys
from pathlib import Path

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


def _display(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _trace_inputs(args, spec_root: Path):
    """results, known gaps and kill matrix named by the arguments (or the spec directory's own files)."""
    from .matrix.inputs import KILL_MATRIX_FILE, KNOWN_GAPS_FILE, load_kill_matrix, load_known_gaps, load_results

    def default(name, load):
        path = spec_root / name
        return load(path, _display(path)) if path.is_file() else None

    results = load_results(Path(args.results), args.results) if args.results else None
    if args.known_gaps and (Path(args.known_gaps).exists() or not args.write_known_gaps):
        known = load_known_gaps(Path(args.known_gaps), args.known_gaps)
    elif args.known_gaps:
        known = None  # --write-known-gaps creates it
    else:
        known = default(KNOWN_GAPS_FILE, load_known_gaps)
    kills = load_kill_matrix(Path(args.kill_matrix), args.kill_matrix) if args.kill_matrix \
        else default(KILL_MATRIX_FILE, load_kill_matrix)
    return results, known, kills


def cmd_trace(args) -> int:
    from .matrix.inputs import KNOWN_GAPS_FILE, TraceInputError
    from .matrix.matrix import build, known_gaps_text
    from .matrix.render import RENDERERS
    from .paths import features_dir
    from .reference_impl.rules import rule_index
    from .scenarios import index_features

    spec_root = spec_path(args.spec)
    features = Path(args.features) if args.features else features_dir()
    if not features.is_dir():
        raise UsageError(f"--features {features}: no such directory")
    try:  # the small inputs first: a typo in them should not wait for the spec to load
        results, known, kills = _trace_inputs(args, spec_root)
    except TraceInputError as e:
        raise UsageError(str(e)) from None
    spec = load_clean_spec(args.spec)
    matrix = build(spec, index_features(features, spec.obligations), results, known, kills, rule_index())
    if args.write_known_gaps:
        target = Path(args.known_gaps) if args.known_gaps else spec_root / KNOWN_GAPS_FILE
        text, added, removed = known_gaps_text(matrix)
        target.write_text(text, encoding="utf-8")
        count = sum(any(g.blocking for g in r.gaps) for r in matrix.rows.values())
        print(f"wrote {_display(target)}: {count} known gap(s), {len(added)} added, {len(removed)} removed"
              + (f" ({', '.join(removed)})" if removed and len(removed) <= 12 else ""))
        return 0
    if not args.check or args.format:
        sys.stdout.write(RENDERERS[args.format or "md"](matrix))
    if not args.check:
        return 0
    problems = matrix.check()
    stream = sys.stderr if args.format else sys.stdout
    for line in problems:
        print(line, file=stream)
    s = matrix.summary()
    if problems:
        print(f"trace check failed: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    teeth = (f"; {s['with_killing_variant']} of {s['with_scenarios']} with scenarios are failed by a broken variant "
             f"({s['variants']} variants)") if kills else ""
    print(f"trace check OK: {s['obligations']} obligations; {s['with_scenarios']} of {s['automated_or_hybrid']} "
          f"automated/hybrid have scenarios ({s['scenarios']} scenarios){teeth}; {s['gaps_known']} known gap(s), "
          f"{s['gaps_advisory']} advisory", file=stream)
    return 0


def _register_trace(sub) -> None:
    from .matrix.inputs import KILL_MATRIX_FILE, KNOWN_GAPS_FILE
    from .matrix.render import RENDERERS
    p = sub.add_parser("trace", help="traceability matrix: clause → obligation → scenarios → outcome, and gaps",
                       description="Print the traceability matrix and its gaps; --check fails on gaps that "
                                   "spec/known-gaps.yaml does not list.")
    p.add_argument("--format", choices=sorted(RENDERERS), default=None,
                   help="output format (default md; with --check only the check is printed unless given)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="exit 1 on scenario problems, on unlisted gaps in shall/shall not obligations and in "
                           "obligations without a reference rule or a killing variant, and on known-gaps entries "
                           "that are no longer gaps")
    mode.add_argument("--write-known-gaps", action="store_true",
                      help="rewrite the known-gaps file from the current gaps (keeps existing reasons)")
    p.add_argument("--results", metavar="FILE", help="a results.json from `caaad run`: adds each outcome")
    p.add_argument("--known-gaps", metavar="FILE", help=f"known gaps (default: {KNOWN_GAPS_FILE} in the spec directory)")
    p.add_argument("--kill-matrix", metavar="FILE",
                   help=f"which obligations each broken variant fails (default: {KILL_MATRIX_FILE} in the spec "
                        "directory, written by `python bench/kill_matrix.py`)")
    p.add_argument("--spec", metavar="DIR", help="spec directory (default: the kit's own)")
    p.add_argument("--features", metavar="DIR", help="features directory (default: the kit's own)")
    p.set_defaults(func=cmd_trace)


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
    """Subcommands that live in their own modules (run, diff, adapter, export, serve, contract, and the
    auditor's), and trace."""
    from . import adapter_template, diff, oscal, runner, serve
    from .certify import commands as certify
    from .contract import openapi
    return (runner.register, diff.register, adapter_template.register, oscal.register, _register_trace, serve.register,
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
