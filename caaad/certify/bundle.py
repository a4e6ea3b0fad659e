"""The certification bundle: the files a verdict rests on, a manifest of their sha256 and of what was
certified, and the auditor's Ed25519 signature over the manifest's canonical bytes.

`verify` works offline. It checks the signature and every file, then recomputes everything the manifest
claims from the bundle's own files with this kit: the acceptance rules, the evidence file, the roll-up,
the verdict and the certificate page. Recomputing needs the spec the bundle was made with (fingerprints,
strengths, modes, scopes), which the bundle does not carry: so it also requires the installed kit's version
and spec digest to be the bundle's, and says so when they are not.
"""

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .. import __version__, outcomes
from . import keys
from .certificate import render_certificate
from .days import china_day_of, parse_day
from .evidence import load_evidence
from .rollup import build_rollup
from .rules import load_rules
from .submission import InputError, acceptance, junit_problems, load_results, run_outcomes

BUNDLE_FORMAT = 1
RESULTS, JUNIT, EVIDENCE, ROLLUP, CERTIFICATE = "results.json", "junit.xml", "evidence.yaml", "rollup.json", "certificate.html"
FILES = (RESULTS, JUNIT, EVIDENCE, ROLLUP, CERTIFICATE)
DIGESTED = (RESULTS, JUNIT, EVIDENCE, ROLLUP)  # the bundle digest; the certificate, which shows it, cannot be in it
MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"


def canonical(value) -> bytes:
    """The one serialisation that is signed: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def bundle_digest(hashes: dict) -> str:
    return sha256(canonical({name: hashes[name] for name in DIGESTED}))


def rollup_bytes(rollup: dict) -> bytes:
    return (json.dumps(rollup, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Certified:
    """What certification derives from the inputs; verify derives it again from the bundle."""
    rollup: dict
    manifest: dict  # without files
    certificate: bytes


def derive(*, spec, results: dict, evidence, profile: str, on: str, auditor: str, key: str, hashes: dict) -> Certified:
    """hashes: sha256 of results.json, junit.xml and evidence.yaml as they go into the bundle."""
    rollup = build_rollup(spec, profile, run_outcomes(results, spec, profile), evidence, on)
    hashes = {**hashes, ROLLUP: sha256(rollup_bytes(rollup))}
    describe = results["adapter"]["describe"] or {}
    manifest = {
        "format": BUNDLE_FORMAT, "kind": "caaad-certification-bundle",
        "kit": results["kit"], "standard": spec.standard.get("code"),
        "spec_digest": results["spec_digest"], "features_digest": results["features_digest"],
        "contract_version": results["contract_version"], "rules_digest": rollup["rules"]["digest"],
        "system": {"name": describe.get("name"), "version": describe.get("version")},
        "profile": profile, "verdict": rollup["verdict"], "certification_date": on,
        "auditor": auditor, "key_id": key, "bundle_digest": bundle_digest(hashes),
    }
    certificate = render_certificate(spec=spec, results=results, rollup=rollup, manifest_fields=manifest).encode("utf-8")
    return Certified(rollup, manifest, certificate)


def write_bundle(out: Path, *, sources: dict, certified: Certified, private_key) -> dict:
    """sources: bytes of results.json, junit.xml and evidence.yaml. Returns the manifest written."""
    contents = {**sources, ROLLUP: rollup_bytes(certified.rollup), CERTIFICATE: certified.certificate}
    manifest = {**certified.manifest, "files": {name: sha256(contents[name]) for name in FILES}}
    signed = canonical(manifest)
    out.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        (out / name).write_bytes(contents[name])
    (out / MANIFEST).write_bytes(signed)
    (out / SIGNATURE).write_text(base64.b64encode(private_key.sign(signed)).decode("ascii") + "\n", encoding="ascii")
    return manifest


# ---------------------------------------------------------------------------------------------------------
# Verification


def verify(bundle: Path, public_key, spec, index) -> list[str]:
    """Every problem of the bundle, one line each; empty when everything holds."""
    problems: list[str] = []
    manifest_path = bundle / MANIFEST
    if not manifest_path.is_file():
        return [f"{MANIFEST}: missing: this is not a certification bundle, or its manifest was removed"]
    raw = manifest_path.read_bytes()
    problems += _signature(bundle, raw, public_key)
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        return problems + [f"{MANIFEST}: not JSON ({e})"]
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(listed, dict):
        return problems + [f"{MANIFEST}: no files listed: not a caaad bundle manifest"]
    problems += _files(bundle, listed)
    if problems:
        return problems  # recomputing what an unsigned manifest claims, or from files not the signed ones, is noise
    shape = _shape(manifest)
    return shape or _recompute(bundle, manifest, spec, index)


def _shape(manifest: dict) -> list[str]:
    """A signed manifest can still be malformed (written by something else than caaad certify)."""
    expected = {"profile": tuple(outcomes.PROFILES), "certification_date": str, "auditor": str, "key_id": str, "kit": dict}
    out = []
    for key, kind in expected.items():
        value = manifest.get(key)
        if (value not in kind) if isinstance(kind, tuple) else not isinstance(value, kind):
            out.append(f"{MANIFEST}: {key} is {_short(value)}: not what caaad certify writes")
    return out


def _signature(bundle: Path, raw: bytes, public_key) -> list[str]:
    sig_path = bundle / SIGNATURE
    if not sig_path.is_file():
        return [f"{SIGNATURE}: missing: the manifest is not signed"]
    try:
        signature = base64.b64decode(sig_path.read_text(encoding="ascii").strip(), validate=True)
    except (UnicodeDecodeError, binascii.Error, ValueError):
        return [f"{SIGNATURE}: not a base64 signature"]
    if len(signature) != 64:
        return [f"{SIGNATURE}: {len(signature)} bytes, an Ed25519 signature has 64"]
    if keys.holds(public_key, signature, raw):
        return []
    try:
        claimed = json.loads(raw.decode("utf-8")).get("key_id")
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        claimed = None
    given = keys.key_id(public_key)
    if claimed and claimed != given:
        return [f"{SIGNATURE}: the bundle was signed with key {claimed}, not with the key given ({given})"]
    return [f"{MANIFEST}: the signature does not hold: the manifest was changed after it was signed"]


def _files(bundle: Path, listed: dict) -> list[str]:
    problems = []
    for name in FILES:
        if name not in listed:
            problems.append(f"{MANIFEST}: does not list {name}")
    for name in listed:
        if name not in FILES:
            problems.append(f"{MANIFEST}: lists {name!r}, which is not a file of a certification bundle")
    present = {p.name for p in bundle.iterdir()} - {MANIFEST, SIGNATURE}
    for name in sorted(present - set(listed)):
        problems.append(f"{name}: not listed in the manifest (a file added to the bundle)")
    for name in FILES:
        if name not in listed:
            continue
        path = bundle / name
        if not path.is_file():
            problems.append(f"{name}: listed in the manifest but missing")
        elif sha256(path.read_bytes()) != listed[name]:
            problems.append(f"{name}: changed since signing (now {sha256(path.read_bytes())}, the manifest says {listed[name]})")
    return problems


def _recompute(bundle: Path, manifest: dict, spec, index) -> list[str]:
    kit = (manifest.get("kit") or {}).get("version")
    if kit != __version__:
        return [f"{MANIFEST}: made by caaad {kit}, this is caaad {__version__}: verify it with that version "
                f"(pip install caaad-conformance=={kit}) to recompute its verdict"]
    if manifest.get("spec_digest") != spec.digest:
        return [f"{MANIFEST}: the bundle claims spec {manifest.get('spec_digest')}, this kit's spec is {spec.digest}: "
                "its verdict cannot be recomputed with another spec"]
    if manifest.get("rules_digest") != load_rules().digest:
        return [f"{MANIFEST}: made with roll-up rules {manifest.get('rules_digest')}, this kit's are {load_rules().digest}"]
    profile, on = manifest.get("profile"), manifest.get("certification_date")
    try:
        results = load_results(bundle / RESULTS, RESULTS)
    except InputError as e:
        return [str(f) for f in e.findings]
    problems = [f"the bundle's {p}" for p in acceptance(results, RESULTS, spec, index, profile)
                + junit_problems((bundle / JUNIT).read_bytes(), results, JUNIT) if p.blocking]
    if results["profile"] != profile:
        return problems  # a roll-up for another profile than the run's has nothing to compare
    day = parse_day(on) if isinstance(on, str) else None
    if day is None:
        return problems + [f"{MANIFEST}: certification_date {on!r} is not a date"]
    if day < china_day_of(results["finished_at"]):
        problems.append(f"{MANIFEST}: certified on {on}, before the run finished ({results['finished_at']})")
    evidence, findings = load_evidence(bundle / EVIDENCE, spec, profile, day, display=EVIDENCE, check_artefacts=False)
    problems += [str(f) for f in findings]
    if evidence is None:
        return problems
    hashes = {name: manifest["files"][name] for name in (RESULTS, JUNIT, EVIDENCE)}
    certified = derive(spec=spec, results=results, evidence=evidence, profile=profile, on=on,
                       auditor=manifest.get("auditor"), key=manifest.get("key_id"), hashes=hashes)
    problems += _rollup_differences(bundle, certified.rollup)
    for key, value in certified.manifest.items():
        if manifest.get(key) != value:
            problems.append(f"{MANIFEST}: {key} is {_short(manifest.get(key))}, but the bundle's files give {_short(value)}")
    if (bundle / CERTIFICATE).read_bytes() != certified.certificate:
        problems.append(f"{CERTIFICATE}: does not follow from the bundle's files (rendered again, it differs)")
    return problems


def _rollup_differences(bundle: Path, expected: dict) -> list[str]:
    try:
        actual = json.loads((bundle / ROLLUP).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        return [f"{ROLLUP}: not JSON ({e})"]
    if actual == expected:
        return []
    listed = actual.get("obligations") if isinstance(actual, dict) else None
    rows = {r.get("id"): r for r in listed if isinstance(r, dict)} if isinstance(listed, list) else {}
    out = [f"{ROLLUP}: {row['id']} is {rows[row['id']].get('state')}, but recomputed from the files it is {row['state']}"
           if rows[row["id"]].get("state") != row["state"] else f"{ROLLUP}: the row of {row['id']} differs from the one recomputed from the files"
           for row in expected["obligations"] if row["id"] in rows and rows[row["id"]] != row]
    fields = actual if isinstance(actual, dict) else {}
    out += [f"{ROLLUP}: {key} is {_short(fields.get(key))}, but recomputed from the files it is {_short(value)}"
            for key, value in expected.items() if key != "obligations" and fields.get(key) != value]
    return out or [f"{ROLLUP}: differs from the roll-up recomputed from the bundle's files"]


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "…"
