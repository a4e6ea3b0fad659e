"""The `caaad` command line: every subcommand's arguments and its `cmd_*` function live here, the work they
do in the modules they call. Exit codes: 0 success, 1 findings or failures, 2 unusable arguments or input,
3 a bug in the kit."""

import argparse
import json
import keyword
import os
import re
import secrets
import signal
import sqlite3
import sys
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from . import __version__, outcomes
from .certify.days import china_day_of, china_today, parse_day
from .contract.address import (DEFAULT_TIMEOUT, IDLE_CONNECTION_S, MAX_SESSIONS, MAX_SESSIONS_PER_CLIENT, SESSION_IDLE_S,
                               TIMEOUT_ENV, TOKEN_ENV)
from .contract.loading import DEFAULT_ADAPTER
from .guard import watch_interrupts
from .limits import DEFAULT_SCENARIO_LIMIT_S
from .paths import steps_dir
from .run_report import MAX_LISTED
from .usage import UsageError, load_clean_spec, read_input, spec_path, write_output


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


# --- caaad diff ------------------------------------------------------------


def _register_diff(sub) -> None:
    diff = sub.add_parser("diff", help="compare two runs' results.json by obligation; exit 1 when anything regressed",
                          description="Compare two runs by obligation id: newly failing, newly passing, still "
                                      "failing, changed messages, obligations and scenarios added or removed. "
                                      "Exit 0 nothing regressed, 1 something did, 2 unusable input.")
    diff.add_argument("old", metavar="OLD", help="results.json of the earlier run")
    diff.add_argument("new", metavar="NEW", help="results.json of the later run")
    diff.add_argument("--format", choices=("markdown", "json"), default="markdown")
    diff.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    diff.set_defaults(func=cmd_diff)


def cmd_diff(args) -> int:
    from .diff import compare, load as load_results, render_markdown as diff_markdown
    old, new = load_results(args.old), load_results(args.new)
    result = compare(old, new)
    result["old"]["file"], result["new"]["file"] = args.old, args.new
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n" if args.format == "json" else diff_markdown(result)
    write_output(text, args.output)
    return 1 if result["regressed"] else 0


# --- caaad adapter new ------------------------------------------------------------


def _register_adapter(sub) -> None:
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
    from .adapter_template import _capabilities, _operations, render_adapter, render_readme
    from .contract import load_contract
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


# --- caaad export oscal ------------------------------------------------------


def _register_oscal(sub) -> None:
    export = sub.add_parser("export", help="export a run in a standard format (OSCAL)")
    formats = export.add_subparsers(dest="export_format", required=True, metavar="FORMAT")
    oscal = formats.add_parser("oscal", help="an OSCAL assessment-results document (JSON) of a run",
                               description="Write an OSCAL assessment-results document: one finding per "
                                           "obligation in scope, observations for scenario outcomes and evidence.")
    oscal.add_argument("--results", required=True, metavar="FILE", help="results.json of the run")
    oscal.add_argument("--evidence", metavar="FILE", help="the auditor's evidence file (YAML, format 1)")
    oscal.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    oscal.set_defaults(func=cmd_oscal)


def cmd_oscal(args) -> int:
    from .diff import load as load_results
    from .oscal import assessment_results, load_evidence
    results = load_results(args.results)
    evidence = load_evidence(args.evidence, results) if args.evidence else []
    text = json.dumps(assessment_results(results, evidence), ensure_ascii=False, indent=2) + "\n"
    write_output(text, args.output)
    return 0


# --- caaad serve ------------------------------------------------------------


def _register_serve(sub) -> None:
    p = sub.add_parser("serve", help="serve a Python adapter (default: the reference system) over HTTP",
                       description="Serve a Python adapter over the HTTP binding of the adapter contract, one "
                                   "adapter instance per session. `caaad run --adapter http://HOST:PORT` tests it, "
                                   f"with the token in {TOKEN_ENV}.")
    p.add_argument("--adapter", default=DEFAULT_ADAPTER, metavar="MODULE:CLASS",
                   help=f"the adapter class to serve (default: the reference system, {DEFAULT_ADAPTER})")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--token", metavar="TOKEN", help="the bearer token every call must carry (default: a new random "
                                                    "one, printed at start; or from CAAAD_SERVE_TOKEN)")
    p.add_argument("--db", metavar="FILE", help="keep sessions in this SQLite file (WAL, synchronous writes), so they "
                                                "survive a restart (default: in memory)")
    p.add_argument("--session-idle", metavar="S", type=float, default=SESSION_IDLE_S,
                   help=f"end a session unused for S seconds (default {SESSION_IDLE_S:g})")
    p.add_argument("--max-sessions", metavar="N", type=int, default=MAX_SESSIONS,
                   help=f"open sessions in all (default {MAX_SESSIONS})")
    p.add_argument("--max-sessions-per-client", metavar="N", type=int, default=MAX_SESSIONS_PER_CLIENT,
                   help=f"open sessions one client address may hold (default {MAX_SESSIONS_PER_CLIENT})")
    p.add_argument("--idle-connection", metavar="S", type=float, default=IDLE_CONNECTION_S,
                   help=f"close a connection idle for S seconds (default {IDLE_CONNECTION_S:g})")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args) -> int:
    import os

    from .contract.errors import AdapterLoadError
    from .serve import Journal, make_server
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: not a port number")
    for flag, value in (("--session-idle", args.session_idle), ("--idle-connection", args.idle_connection)):
        if not 0 < value < float("inf"):
            raise UsageError(f"{flag} {value:g}: a number of seconds, more than 0")
    for flag, value in (("--max-sessions", args.max_sessions), ("--max-sessions-per-client", args.max_sessions_per_client)):
        if value < 1:
            raise UsageError(f"{flag} {value}: at least 1")
    token = args.token or os.environ.get("CAAAD_SERVE_TOKEN") or secrets.token_urlsafe(24)
    if len(token) < 16 or not token.isascii() or not token.isprintable() or " " in token:
        raise UsageError("--token: at least 16 printable ASCII characters without spaces")
    journal = None
    if args.db:
        try:
            journal = Journal(args.db)
        except sqlite3.Error as e:
            raise UsageError(f"--db {args.db}: {e}") from None
    try:
        server = make_server(args.adapter, args.host, args.port, token=token, journal=journal,
                             max_sessions=args.max_sessions, max_sessions_per_client=args.max_sessions_per_client,
                             session_idle_s=args.session_idle, idle_connection_s=args.idle_connection)
    except AdapterLoadError as e:
        raise UsageError(f"--adapter {args.adapter}: {e}") from None
    except OSError as e:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}") from None
    shown = token if not (args.token or os.environ.get("CAAAD_SERVE_TOKEN")) else "<your token>"
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as on Ctrl-C: the journal is closed cleanly
    with server:
        print(f"caaad serve: {args.adapter} (contract {server.contract.version}) at {server.url}/ "
              f"— test it with: {TOKEN_ENV}={shown} caaad run --adapter {server.url}", flush=True)
        if journal is not None:
            print(f"caaad serve: {len(server.sessions)} session(s) kept in {args.db}", file=sys.stderr, flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("caaad serve: stopped", file=sys.stderr)
    return 0


# --- caaad contract ------------------------------------------------------------


def _register_contract(sub) -> None:
    contract = sub.add_parser("contract", help="the adapter contract: OpenAPI document or reference page")
    actions = contract.add_subparsers(dest="contract_command", required=True, metavar="ACTION")
    openapi = actions.add_parser("openapi", help="the OpenAPI 3.1 document of the HTTP binding (JSON)")
    openapi.add_argument("-o", "--output", metavar="FILE")
    openapi.set_defaults(func=cmd_openapi)
    markdown = actions.add_parser("markdown", help="the contract reference page (Markdown)")
    markdown.add_argument("-o", "--output", metavar="FILE")
    markdown.set_defaults(func=cmd_markdown)


def cmd_openapi(args) -> int:
    from .contract.openapi import openapi_document
    write_output(json.dumps(openapi_document(), ensure_ascii=False, indent=2) + "\n", args.output)
    return 0


def cmd_markdown(args) -> int:
    from .contract import load_contract
    from .contract.render import render_markdown
    write_output(render_markdown(load_contract()), args.output)
    return 0


# --- caaad keys / evidence / certify / verify ------------------------------------------------------------


AUDITOR = re.compile(r"(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def _register_certify(sub) -> None:
    keys = sub.add_parser("keys", help="the auditor's signing keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    gen = keys_sub.add_parser("generate", help="write an Ed25519 key pair: auditor.key (mode 0600) and auditor.pub")
    gen.add_argument("--out", required=True, metavar="DIR")
    gen.set_defaults(func=cmd_keys_generate)

    evidence = sub.add_parser("evidence", help="the auditor's evidence file")
    ev_sub = evidence.add_subparsers(dest="evidence_command", required=True, metavar="ACTION")
    tpl = ev_sub.add_parser("template", help="an evidence file for a profile, every item pending")
    tpl.add_argument("--profile", required=True, choices=sorted(outcomes.PROFILES))
    tpl.add_argument("--results", metavar="FILE", help="results.json of the run: notes each hybrid's run part and the "
                     "obligations the run leaves open")
    tpl.add_argument("--out", required=True, metavar="FILE")
    tpl.set_defaults(func=cmd_evidence_template)

    cert = sub.add_parser("certify", help="roll up run, evidence and waivers to a verdict, and write a signed bundle")
    cert.add_argument("--results", required=True, metavar="FILE", help="results.json of `caaad run`")
    cert.add_argument("--profile", required=True, choices=sorted(outcomes.PROFILES))
    cert.add_argument("--evidence", metavar="FILE", help="the evidence file (required unless --check)")
    cert.add_argument("--check", action="store_true",
                      help="only check the submission against the acceptance rules (what a vendor runs before submitting)")
    cert.add_argument("--out", metavar="DIR", help="the bundle's folder, new or empty")
    cert.add_argument("--key", metavar="FILE", help="the auditor's private key (auditor.key)")
    cert.add_argument("--auditor", metavar="ID", help="the auditor's role name or id (never a person's name)")
    cert.add_argument("--junit", metavar="FILE", help="junit.xml of the run (default: beside results.json)")
    cert.add_argument("--date", metavar="YYYY-MM-DD", help="certification date, China time (default: today)")
    cert.set_defaults(func=cmd_certify)

    ver = sub.add_parser("verify", help="check a certification bundle offline: signature, files, recomputed verdict")
    ver.add_argument("bundle", metavar="DIR")
    ver.add_argument("--key", required=True, metavar="FILE", help="the auditor's public key (auditor.pub)")
    ver.set_defaults(func=cmd_verify)


def cmd_keys_generate(args) -> int:
    from .certify.keys import generate
    private, public, key = generate(Path(args.out))
    print(f"wrote {private} (private, mode 0600: keep it offline) and {public} (give it to whoever verifies); key id {key}")
    return 0


def cmd_evidence_template(args) -> int:
    from .certify.evidence import evidence_scope, template
    from .certify.submission import run_outcomes
    spec = _kit_spec()[0]
    out = Path(args.out)
    if out.exists():
        raise UsageError(f"--out {out} exists; an evidence file is never overwritten (it holds decisions)")
    run = None
    if args.results:
        results = _read_results(args.results)
        if results["profile"] != args.profile:
            raise UsageError(f"--results {args.results}: the run is for profile {results['profile']}, not {args.profile}")
        if results["spec_digest"] != spec.digest:
            raise UsageError(f"--results {args.results}: made with another spec ({results['spec_digest']})")
        run = run_outcomes(results, spec, args.profile)
    text = template(spec, args.profile, run, Path(args.results).name if args.results else None)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        raise UsageError(f"--out {out}: {e.strerror}") from None
    print(f"wrote {out}: {len(evidence_scope(spec, args.profile))} obligation(s) awaiting evidence for profile {args.profile}")
    return 0


@lru_cache(maxsize=1)
def _kit_spec():
    """The installed kit's spec and scenario index, loaded once per process."""
    from .paths import features_dir
    from .scenarios import index_features
    spec = load_clean_spec(None)
    return spec, index_features(features_dir(), spec.obligations)


def cmd_certify(args) -> int:
    from .certify.submission import acceptance, junit_problems
    spec, index = _kit_spec()
    on = _certify_day(args.date)
    results = _read_results(args.results)
    problems = acceptance(results, args.results, spec, index, args.profile)
    junit = Path(args.junit) if args.junit else Path(args.results).parent / "junit.xml"
    if args.junit or junit.is_file() or not args.check:  # the vendor's check includes junit.xml when it is there
        problems += junit_problems(read_input(junit, "--junit"), results, str(junit))
    if args.check:
        return _check_submission(args, spec, results, problems, on)
    for name in ("evidence", "out", "key", "auditor"):
        if getattr(args, name) is None:
            raise UsageError(f"--{name} is required (unless --check)")
    if not AUDITOR.fullmatch(args.auditor):
        raise UsageError(f"--auditor {args.auditor!r}: a role name or id (letters, digits, . _ : -), never a person's name")
    blocking = [p for p in problems if p.blocking]
    for p in problems:
        print(p)
    if blocking:
        print(f"caaad: {len(blocking)} problem(s) make this submission uncertifiable; no bundle written", file=sys.stderr)
        return 1
    if on < china_day_of(results["finished_at"]):
        raise UsageError(f"--date {on.isoformat()}: before the run finished ({results['finished_at']})")
    return _certify(args, spec, results, on, junit)


def _check_submission(args, spec, results, problems, on) -> int:
    lines = [str(p) for p in problems]
    if args.evidence:
        from .certify.evidence import load_evidence
        lines += [str(f) for f in load_evidence(Path(args.evidence), spec, args.profile, on, display=args.evidence)[1]]
    for line in lines:
        print(line)
    if lines:
        print(f"caaad: {len(lines)} problem(s): the submission does not meet the acceptance rules", file=sys.stderr)
        return 1
    print(f"submission meets the acceptance rules: profile {args.profile}, caaad {results['kit']['version']}, "
          f"spec {spec.digest[:19]}…, {len(results['scenarios'])} scenarios")
    return 0


def _certify(args, spec, results, on, junit: Path) -> int:
    from .certify import keys
    from .certify.bundle import EVIDENCE, JUNIT, RESULTS, derive, sha256, write_bundle
    from .certify.evidence import load_evidence
    evidence, findings = load_evidence(Path(args.evidence), spec, args.profile, on, display=args.evidence)
    if findings:
        for f in findings:
            print(f)
        print(f"caaad: {len(findings)} finding(s) in the evidence file; no bundle written", file=sys.stderr)
        return 2
    private = keys.load_private(Path(args.key))
    out = Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"--out {out} exists and is not an empty folder; a bundle is never overwritten")
    sources = {RESULTS: read_input(Path(args.results), "--results"), JUNIT: read_input(junit, "--junit"),
               EVIDENCE: read_input(Path(args.evidence), "--evidence")}
    certified = derive(spec=spec, results=results, evidence=evidence, profile=args.profile, on=on.isoformat(),
                       auditor=args.auditor, key=keys.key_id(private.public_key()),
                       hashes={name: sha256(data) for name, data in sources.items()})
    write_bundle(out, sources=sources, certified=certified, private_key=private)
    r = certified.rollup
    print(f"verdict for profile {args.profile}: {r['verdict']} — mandatory obligations: "
          + ", ".join(f"{n} {state}" for state, n in r["counts"].items()) + f"; {len(r['observations'])} observation(s)")
    for label, ids in (("nonconformities", r["nonconformities"]), ("open", r["open"]), ("waived", r["waived"]),
                       ("observations", r["observations"])):
        if ids:
            print(f"  {label}: {', '.join(ids)}")
    print(f"wrote the signed bundle {out} (bundle digest {certified.manifest['bundle_digest']})")
    return 0


def cmd_verify(args) -> int:
    from .certify import keys
    from .certify.bundle import verify
    bundle = Path(args.bundle)
    if not bundle.is_dir():
        raise UsageError(f"{bundle}: no such folder")
    public = keys.load_public(Path(args.key))
    spec, index = _kit_spec()
    problems = verify(bundle, public, spec, index)
    for line in problems:
        print(line)
    if problems:
        print(f"caaad: {len(problems)} problem(s): the bundle does not verify", file=sys.stderr)
        return 1
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    print(f"bundle verifies: profile {manifest['profile']}, verdict {manifest['verdict']}, certified "
          f"{manifest['certification_date']} by {manifest['auditor']} (key {manifest['key_id'][:19]}…)")
    return 0


def _read_results(path: str) -> dict:
    from .certify.submission import InputError, load_results
    try:
        return load_results(Path(path), path)
    except InputError as e:
        if len(e.findings) == 1:  # e.g. no such file: the one line says it
            raise UsageError(f"--results {e.findings[0]}") from None
        for f in e.findings:
            print(f)
        raise UsageError(f"--results {path}: {len(e.findings)} problem(s): not a results.json of caaad run") from None


def _certify_day(text: str | None):
    if text is None:
        return china_today()
    day = parse_day(text)
    if day is None:
        raise UsageError(f"--date {text}: not a date (YYYY-MM-DD)")
    if day > china_today():
        raise UsageError(f"--date {text}: in the future (today is {china_today().isoformat()} China time)")
    return day


# --- caaad run ---------------------------------------------------------------


FILES_WRITTEN = """files written into --out (a run that starts removes those of the run before):
  results.json  the run, scenario by scenario and obligation by obligation (format 1; docs/vendors/report.md)
  junit.xml     the same scenarios for CI dashboards: a <testsuite> per clause, obligation ids as properties
  report.md     for people: the verdict, the system and profile, each failing obligation, then the matrix
  report.html   the same as one self-contained page (no network), with filters; open it in a browser

exit codes: 0 no scenario or obligation in scope failed or errored; 1 some did; 2 the suite could not run
(one line says why); 130 interrupted (results.json and junit.xml hold the scenarios that ran)"""


def _register_run(sub) -> None:
    import argparse
    run = sub.add_parser("run", help="run the conformance suite and write a report",
                         description="Run the scenarios of T/CAAAD 001—2023 against a system and report, by "
                                     "obligation, where it conforms.",
                         epilog=FILES_WRITTEN, formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("--adapter", default=DEFAULT_ADAPTER, metavar="MODULE:CLASS|URL",
                     help="the system under test: a Python adapter class importable from the installed packages "
                          "or PYTHONPATH, or the http(s):// URL of a system served over the HTTP binding "
                          "(default: the embedded reference system)")
    run.add_argument("--profile", default="all", choices=sorted(outcomes.PROFILES),
                     help="the role certified; obligations of other actors are not_applicable (default all)")
    run.add_argument("--out", default="caaad-report", metavar="DIR",
                     help="where to write results.json, junit.xml, report.md and report.html (default caaad-report)")
    run.add_argument("-n", "--workers", metavar="N",
                     help=f"run scenarios in N processes (needs pytest-xdist): 1 to {max_workers()} on this machine "
                          "(twice its cores), or auto")
    run.add_argument("--timeout", metavar="S", help=f"seconds an HTTP call may take in all, connect to last byte "
                                                     f"(default {DEFAULT_TIMEOUT:g}, or {TIMEOUT_ENV})")
    run.add_argument("--scenario-timeout", metavar="S", default=f"{DEFAULT_SCENARIO_LIMIT_S:g}",
                     help="a scenario still running after S seconds is an error; in process too "
                          f"(default {DEFAULT_SCENARIO_LIMIT_S:g}; 0: no limit)")
    run.add_argument("--run-timeout", metavar="S", default="0",
                     help="scenarios not finished S seconds after the start are errors (default 0: no limit)")
    run.add_argument("-k", metavar="EXPR", help="only scenarios whose name matches EXPR (pytest -k grammar); "
                                                "selecting no scenario in the profile is an error")
    run.add_argument("-m", metavar="EXPR", help="only scenarios with these markers: req and <field>_<value> for "
                                                "actor, strength, phase, verification, e.g. 'strength_shall'")
    talk = run.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true",
                      help="print only the verdict and the files written (no progress line, no table)")
    talk.add_argument("-v", "--verbose", action="store_true",
                      help="also one line per scenario as it finishes, and every failure (not only the first "
                           f"{MAX_LISTED})")
    run.set_defaults(func=cmd_run)


def max_workers() -> int:
    """More processes than this only queue for the cores (and 500 of them never finish starting)."""
    return 2 * (os.cpu_count() or 1)


def cmd_run(args) -> int:
    import pytest

    from .collector import built_for_the_run
    with built_for_the_run():  # what the checks and these imports load lives through the run
        from .junit import junit_xml
        from .progress import RunMonitor, wants_progress_line
        from .results import verdict
        from .run_report import report_markdown, summary
        from .report_html import report_html
        _check_selection(args)
        _check_system(args.adapter)
        if not args.out.strip():  # Path("") is the current folder: the reports would land there unasked
            raise UsageError("--out '': name the folder for the reports (default caaad-report)")
        out = Path(args.out)
        _check_writable(out)
        _check_features()
    results_path, junit_path = out / "results.json", out / "junit.xml"
    report_path, html_path = out / "report.md", out / "report.html"
    for stale in (results_path, junit_path, report_path, html_path):
        stale.unlink(missing_ok=True)  # whatever is in --out afterwards is this run's
    pytest_args = ["--adapter", args.adapter, "--profile", args.profile, "--caaad-results", str(results_path)]
    pytest_args += ["--scenario-timeout", args.scenario_timeout, "--run-timeout", args.run_timeout]
    if args.timeout:
        os.environ[TIMEOUT_ENV] = args.timeout  # read by every HttpAdapter, also in xdist workers
    if args.workers:
        pytest_args += ["-n", args.workers]
    if args.k:
        pytest_args += ["-k", args.k]
    if args.m:
        pytest_args += ["-m", args.m]
    if args.workers:
        pytest_args += ["-p", "xdist.plugin"]
    monitor = RunMonitor(verbose=args.verbose, progress=not args.quiet and wants_progress_line(sys.stdout))
    code = run_suite(pytest_args, plugins=[monitor])
    if monitor.collect_errors:
        results_path.unlink(missing_ok=True)
        raise UsageError("the suite could not be collected: " + "; ".join(monitor.collect_errors))
    if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR) or not results_path.is_file():
        print(f"caaad: the suite did not run (pytest exit {int(code)}); see the lines above", file=sys.stderr)
        return 2
    results = json.loads(results_path.read_text(encoding="utf-8"))
    if (args.k or args.m) and code != pytest.ExitCode.INTERRUPTED and \
            all(s["outcome"] == outcomes.NOT_APPLICABLE for s in results["scenarios"]):
        results_path.unlink()  # a run of nothing must not stand as a result
        selection = " and ".join(f"{flag} {value!r}" for flag, value in (("-k", args.k), ("-m", args.m)) if value)
        raise UsageError(f"{selection} selects no scenario in scope of the {args.profile} profile "
                         f"({len(results['scenarios'])} selected, all not_applicable)")
    junit_path.write_bytes(junit_xml(results))
    if code == pytest.ExitCode.INTERRUPTED:
        print(f"caaad: the run was interrupted; results.json and junit.xml hold only the {len(results['scenarios'])} "
              "scenarios that ran", file=sys.stderr)
        return 130
    report_path.write_text(report_markdown(results, results_path), encoding="utf-8")
    html_path.write_text(report_html(results), encoding="utf-8")
    print(verdict(results)[1] if args.quiet else summary(results, every_failure=args.verbose))
    print(f"wrote {results_path}, {junit_path}, {report_path} and {html_path}")
    return 0 if verdict(results)[0] else 1


_IGNORED_ENV = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")  # pytest reads them in every process it starts


def suite_pytest_args() -> list[str]:
    """pytest's arguments for the suite as the kit defines it, whoever runs it (caaad run, tests/suite/batch.py):
    no ini file (pytest would take the first pytest.ini, tox.ini or [tool.pytest.ini_options] above the installed
    kit, e.g. in the project holding the venv: its addopts or filterwarnings would change the run), the steps
    folder as rootdir (so scenario ids read "suite.py::test_…" wherever the kit is installed), only the kit's
    plugins (with autoloading off: hermetic_pytest), no terminal plugin: the kit's own output replaces
    pytest's, whose "N skipped" and warnings contradicted the kit's outcomes; and asserts as Python runs them
    (--assert=plain): every assert of the steps states its message (tests/kit/test_step_asserts.py), and the
    message is all a result keeps (caaad.personal.vendor_line drops pytest's explanation), so rewriting the
    step modules, again at every run where bytecode is not written, bought nothing."""
    return [str(steps_dir() / "suite.py"), "-c", os.devnull, "--rootdir", str(steps_dir()),
            "-p", "caaad.plugin", "-p", "pytest_bdd.plugin", "-p", "no:cacheprovider", "-p", "no:terminal",
            "--assert=plain", "--strict-markers"]


def run_suite(pytest_args: list[str], plugins: list = ()) -> int:
    """pytest.main on the suite as the kit defines it (suite_pytest_args, hermetic_pytest), `pytest_args` added.
    The plugins that suite_pytest_args names with -p and the step modules that steps/suite.py names in
    pytest_plugins are handed to pytest already imported: pytest looks each name it has not registered yet up
    among the entry points of every installed package, 17 searches (about 30 ms) in each run."""
    import importlib

    import pytest

    from .steps import STEP_MODULES
    registered = [importlib.import_module(name) for name in ("caaad.plugin", "pytest_bdd.plugin", *STEP_MODULES)]
    with hermetic_pytest():
        return pytest.main([*suite_pytest_args(), *pytest_args], plugins=[*plugins, *registered])


@contextmanager
def hermetic_pytest():
    """The suite as the kit defines it, whatever the environment: no PYTEST_ADDOPTS (`-x` stopped a run at its
    first failure and `--reruns` would pass a system that fails only sometimes), no PYTEST_PLUGINS and no
    pytest plugins other than the kit's own (caaad.plugin, pytest-bdd, and xdist for -n), however many are
    installed. The environment is also what xdist's workers start with; it is given back afterwards."""
    saved = {name: os.environ.get(name) for name in (*_IGNORED_ENV, "PYTEST_DISABLE_PLUGIN_AUTOLOAD")}
    for name in _IGNORED_ENV:
        if os.environ.pop(name, "").strip():
            print(f"caaad: {name}={saved[name]!r} is ignored: caaad run takes its own options and plugins only",
                  file=sys.stderr)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _check_system(adapter_spec: str) -> None:
    """The system is opened once before any scenario: one that cannot be loaded or reached, or that speaks
    another major version of the contract, stops the run here in one line."""
    from .contract import AdapterLoadError, ContractClient, ContractError, ContractViolation, opened_adapter
    from .contract.address import redact
    from .personal import redact_personal_data
    try:
        with opened_adapter(adapter_spec) as adapter:
            client = ContractClient(adapter)
            try:
                client.describe()
            except ContractViolation as e:
                if e.json_path == "$.contract_version":
                    major = client.contract.version.split(".")[0]
                    raise UsageError(f"--adapter {redact(adapter_spec)}: {e.message}; this kit accepts contract "
                                     f"{major}.x (any {major}.minor.patch), so no scenario was run") from None
            except ContractError:
                pass  # any other describe() failure is reported per scenario, as error
    except AdapterLoadError as e:  # the system's own text (its constructor's error, its HTTP error) goes to the console
        raise UsageError(f"--adapter {redact(adapter_spec)}: {redact_personal_data(str(e))}") from None


def _check_selection(args) -> None:
    """-n, -k and -m are checked here, so that a bad one is one line rather than pytest's own output."""
    from _pytest.mark.expression import Expression  # pytest is pinned <10: its own selection grammar

    from .plugin import marker_values
    if args.workers is not None:
        try:
            import xdist  # noqa: F401  (only in the kit's test extra)
        except ImportError:
            raise UsageError(f"-n {args.workers}: running in parallel needs pytest-xdist, which this install "
                             "lacks: pip install 'pytest-xdist>=3.5,<4' (or run without -n)") from None
    if args.workers is not None and args.workers != "auto":
        if not args.workers.isdigit() or not 1 <= int(args.workers) <= max_workers():
            raise UsageError(f"-n {args.workers}: the number of worker processes is a whole number from 1 to "
                             f"{max_workers()} on this machine (twice its cores), or auto")
    for flag, value, zero in (("--timeout", args.timeout, False), ("--scenario-timeout", args.scenario_timeout, True),
                              ("--run-timeout", args.run_timeout, True)):
        if value is not None and not _seconds(value, zero):
            raise UsageError(f"{flag} {value}: a number of seconds, more than 0{' (0: no limit)' if zero else ''}")
    for flag, expression in (("-k", args.k), ("-m", args.m)):
        if expression is None:
            continue
        if not expression.strip():  # e.g. `-k "$SCENARIOS"` with the variable unset: not a wish for everything
            raise UsageError(f"{flag} {expression!r}: an empty expression; leave {flag} out to run every scenario")
        try:
            compiled = Expression.compile(expression)
        except SyntaxError as e:
            raise UsageError(f"{flag} {expression!r}: at column {e.offset}: {e.msg}") from None
        markers = {"req"} | {f"{field}_{value}" for field, values in marker_values().items() for value in values}
        unknown = sorted(compiled.idents() - markers) if flag == "-m" else []
        if unknown:
            raise UsageError(f"-m {expression!r}: no such marker {', '.join(unknown)}; markers are req and "
                             "<field>_<value> for actor, strength, phase and verification, e.g. strength_shall")


def _seconds(text: str, zero_allowed: bool) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return value == value and value != float("inf") and (value > 0 or zero_allowed and value == 0)


def _check_writable(out: Path) -> None:
    """Before the suite runs, not after: a read-only --out would lose the whole run."""
    import tempfile

    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as e:
        raise UsageError(f"--out {out}: {e.strerror or e}") from None


def _check_features() -> None:
    """The scenario index's findings, one line each (the plugin checks again for direct pytest runs)."""
    from .paths import features_dir
    from .plugin import spec
    from .scenarios import index_features
    findings = index_features(features_dir(), spec().obligations).findings
    if findings:
        raise UsageError("\n".join(str(f) for f in findings))


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

    for register in (_register_run, _register_diff, _register_adapter, _register_oscal, _register_trace,
                     _register_serve, _register_contract, _register_certify):
        register(sub)
    return parser


def command(argv=None) -> int:
    """The `caaad` command (the console script, python -m caaad): main() in a process that ends with it."""
    from .collector import ending_process
    code = main(argv)
    ending_process()
    return code


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
