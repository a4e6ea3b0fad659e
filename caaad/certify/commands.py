"""The auditor's commands: `caaad keys generate`, `caaad evidence template`, `caaad certify [--check]`,
`caaad verify`. Exit codes as everywhere in caaad: 0 done, 1 problems found (acceptance rules, verification),
2 input the command cannot use (arguments, a bad evidence or results file)."""

import json
import re
import sys
from functools import lru_cache
from pathlib import Path

from .. import outcomes
from ..usage import UsageError, load_clean_spec, read_input
from .days import china_day_of, china_today, parse_day

AUDITOR = re.compile(r"(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def register(sub) -> None:
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
    from .keys import generate
    private, public, key = generate(Path(args.out))
    print(f"wrote {private} (private, mode 0600: keep it offline) and {public} (give it to whoever verifies); key id {key}")
    return 0


def cmd_evidence_template(args) -> int:
    from .evidence import evidence_scope, template
    from .submission import run_outcomes
    spec = _kit()[0]
    out = Path(args.out)
    if out.exists():
        raise UsageError(f"--out {out} exists; an evidence file is never overwritten (it holds decisions)")
    run = None
    if args.results:
        results = _results(args.results)
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
def _kit():
    """The installed kit's spec and scenario index, loaded once per process."""
    from ..paths import features_dir
    from ..scenarios import index_features
    spec = load_clean_spec(None)
    return spec, index_features(features_dir(), spec.obligations)


def cmd_certify(args) -> int:
    from .submission import acceptance, junit_problems
    spec, index = _kit()
    on = _date(args.date)
    results = _results(args.results)
    problems = acceptance(results, args.results, spec, index, args.profile)
    junit = Path(args.junit) if args.junit else Path(args.results).parent / "junit.xml"
    if args.junit or junit.is_file() or not args.check:  # the vendor's check includes junit.xml when it is there
        problems += junit_problems(read_input(junit, "--junit"), results, str(junit))
    if args.check:
        return _check(args, spec, results, problems, on)
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


def _check(args, spec, results, problems, on) -> int:
    lines = [str(p) for p in problems]
    if args.evidence:
        from .evidence import load_evidence
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
    from . import keys
    from .bundle import EVIDENCE, JUNIT, RESULTS, derive, sha256, write_bundle
    from .evidence import load_evidence
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
    from . import keys
    from .bundle import verify
    bundle = Path(args.bundle)
    if not bundle.is_dir():
        raise UsageError(f"{bundle}: no such folder")
    public = keys.load_public(Path(args.key))
    spec, index = _kit()
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


def _results(path: str) -> dict:
    from .submission import InputError, load_results
    try:
        return load_results(Path(path), path)
    except InputError as e:
        if len(e.findings) == 1:  # e.g. no such file: the one line says it
            raise UsageError(f"--results {e.findings[0]}") from None
        for f in e.findings:
            print(f)
        raise UsageError(f"--results {path}: {len(e.findings)} problem(s): not a results.json of caaad run") from None


def _date(text: str | None):
    if text is None:
        return china_today()
    day = parse_day(text)
    if day is None:
        raise UsageError(f"--date {text}: not a date (YYYY-MM-DD)")
    if day > china_today():
        raise UsageError(f"--date {text}: in the future (today is {china_today().isoformat()} China time)")
    return day

