"""The auditor's evidence file: its template, and reading it into decisions and waivers with one finding per
problem (file:line and field path).

Format 1 is YAML, validated against evidence.schema.json (closed, Draft 2020-12); the checks here are those a
schema cannot make: ids against the spec and the profile, fingerprints, copies of the spec's text, dates
against the certification date, artefacts against their sha256, and text that looks like personal data.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from .. import outcomes, yamlio
from ..findings import Finding
from ..personal import PERSONAL_DATA  # never in an evidence file
from .days import parse_day
from .rules import load_rules

SCHEMA = Path(__file__).with_name("evidence.schema.json")
FORMAT = 1


@dataclass(frozen=True)
class Artefact:
    path: str | None
    uri: str | None
    sha256: str | None


@dataclass(frozen=True)
class ItemDecision:
    id: str
    decision: str
    reviewer: str | None
    date: str | None
    note: str | None
    artefacts: tuple[Artefact, ...]


@dataclass(frozen=True)
class Entry:
    obligation: str
    items: dict  # evidence item id -> ItemDecision


@dataclass(frozen=True)
class Waiver:
    obligation: str
    reason: str
    approver: str
    granted: str
    expires: str


@dataclass(frozen=True)
class EvidenceFile:
    profile: str
    entries: dict  # obligation id -> Entry
    waivers: dict  # obligation id -> Waiver


def needs_evidence(o) -> bool:
    return any(part != "run" for part in load_rules().parts(o.mode))


def evidence_scope(spec, profile: str) -> list:
    """The obligations an evidence file for the profile has entries for."""
    return [o for o in spec.obligations.values() if outcomes.in_profile(o, profile) and needs_evidence(o)]


# ---------------------------------------------------------------------------------------------------------
# Template


def template(spec, profile: str, run: dict[str, str] | None = None, results_name: str | None = None) -> str:
    """One entry per documentary or hybrid obligation in the profile's scope, every item pending."""
    rules = load_rules()
    scope = [o for o in spec.obligations.values() if outcomes.in_profile(o, profile)]
    lines = [
        f"# caaad evidence file — {spec.standard.get('code')}, profile {profile}",
        "# One entry per documentary or hybrid obligation in the profile's scope. For every evidence item examine what",
        "# `examine` names, judge it against `criterion`, then set decision to accepted or rejected with reviewer (a role",
        "# name or id, never a person's name), date (China time, quoted \"YYYY-MM-DD\") and the artefacts examined: a",
        "# `path` relative to this file's folder with the file's `sha256`, or a `uri`. A rejection needs a note.",
        "# Leave `text`, `examine`, `criterion` and `fingerprint` as written: they are the spec's, checked against it.",
        f"# Rules: caaad/certify/rollup-rules.yaml (docs: auditors/verdict-rules). {rules.data['waiver']['day_rule']['en']}",
        f"format: {FORMAT}",
        f"profile: {profile}",
        "obligations:" if evidence_scope(spec, profile) else "obligations: []",
    ]
    for o in evidence_scope(spec, profile):
        entry = {"obligation": o.id, "fingerprint": o.fingerprint, "strength": o.strength, "verification": o.mode,
                 "text": {"zh": o.text.zh, "en": o.text.en},
                 "items": [{"id": e.id, "examine": {"zh": e.examine.zh, "en": e.examine.en},
                            "criterion": {"zh": e.criterion.zh, "en": e.criterion.en},
                            "decision": "pending", "reviewer": None, "date": None, "note": None, "artefacts": []}
                           for e in o.evidence]}
        note = f"{o.clause_id} · {o.strength} · {o.mode}"
        if run is not None and "run" in rules.parts(o.mode):
            note += f" · run part in {results_name}: {run[o.id]}"
        lines += [f"  # {note}", _indent(yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=110), 2)]
    lines.append("waivers: []")
    if run is not None:
        open_ = [o for o in scope if o.mandatory and "run" in rules.parts(o.mode)
                 and rules.run_state(run[o.id]) == "open"]
        if open_:
            lines += ["# The run leaves these shall / shall not obligations open; without a waiver each keeps the verdict",
                      "# incomplete. A waiver replaces `waivers: []` with entries such as:",
                      "#   - obligation: \"<id>\"",
                      "#     fingerprint: \"<its fingerprint, below>\"",
                      "#     reason: \"why it cannot be verified now, and how it is covered meanwhile\"",
                      "#     approver: \"certification-committee\"",
                      "#     granted: \"YYYY-MM-DD\"",
                      "#     expires: \"YYYY-MM-DD\""]
            lines += [f"#   {o.id} ({o.mode}, {run[o.id]}) {o.fingerprint}" for o in open_]
    return "\n".join(lines) + "\n"


def _indent(text: str, by: int) -> str:
    return "".join(" " * by + line if line.strip() else line for line in text.splitlines(keepends=True)).rstrip("\n")


# ---------------------------------------------------------------------------------------------------------
# Reading


@lru_cache(maxsize=1)
def _validator():
    return Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def _schema_findings(doc: yamlio.YamlDocument) -> list[Finding]:
    out = []
    for error in sorted(_validator().iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
        # The deepest error of a oneOf/anyOf is the one a person can act on.
        leaf = min(error.context, key=lambda e: -len(e.absolute_path)) if error.context else error
        message = leaf.message
        if leaf.validator == "pattern" and isinstance(leaf.schema, dict) and leaf.schema.get("description"):
            message = f"{leaf.instance!r} does not fit: {leaf.schema['description']}"
        out.append(doc.finding(leaf.absolute_path, message))
    return list(dict.fromkeys(out))  # one problem reached by two schema paths (oneOf and if/then) is one line


def load_evidence(path: Path, spec, profile: str, on: date, *, display: str | None = None,
                  check_artefacts: bool = True) -> tuple[EvidenceFile | None, list[Finding]]:
    """The evidence file and its findings; with any finding the file cannot be certified."""
    path = Path(path)
    display = display or str(path)
    if not path.is_file():
        return None, [Finding(display, None, "$", "no such file")]
    doc = yamlio.load(path, display)
    findings = list(doc.findings)
    if doc.data is None:
        return None, findings
    explained = {f.line for f in findings}  # a YAML trap on that line already says what is wrong
    problems = _schema_findings(doc)
    findings += [p for p in problems if p.line not in explained]
    if problems:
        return None, findings
    data = doc.data
    checker = _Checker(doc, spec, profile, on, path.parent if check_artefacts else None)
    if data["profile"] != profile:
        checker.add(("profile",), f"evidence for profile {data['profile']}, but certifying profile {profile}")
    entries = checker.entries(data["obligations"])
    waivers = checker.waivers(data["waivers"])
    findings += checker.findings
    return EvidenceFile(data["profile"], entries, waivers), findings


class _Checker:
    def __init__(self, doc, spec, profile, on: date, artefact_root: Path | None):
        self.doc, self.spec, self.profile, self.on, self.root = doc, spec, profile, on, artefact_root
        self.findings: list[Finding] = []
        self.rules = load_rules()

    def add(self, path, message: str) -> None:
        self.findings.append(self.doc.finding(path, message))

    def obligation(self, path, oid: str):
        o = self.spec.obligations.get(oid)
        if o is None:
            self.add(path + ("obligation",), f"unknown obligation id {oid}")
        elif o.informative:
            self.add(path + ("obligation",), f"{oid} is informative (Annex A states no requirement): it needs no evidence or waiver")
        elif not outcomes.in_profile(o, self.profile):
            self.add(path + ("obligation",), f"obligation {oid} is outside the {self.profile} profile")
        else:
            return o
        return None

    def each_obligation(self, section: str, raw, what: str):
        """(path, obligation, record) for each record of `section` naming a known obligation in the profile, the
        first time it is named; an unknown, out-of-scope or repeated one is a finding instead."""
        first = {}
        for i, record in enumerate(raw):
            path = (section, i)
            o = self.obligation(path, record["obligation"])
            if o is None:
                continue
            if o.id in first:
                self.add(path, f"duplicate {what} for {o.id} (first at line {first[o.id]})")
                continue
            first[o.id] = self.doc.line_of(path)
            yield path, o, record

    def entries(self, raw) -> dict:
        entries = {}
        for path, o, e in self.each_obligation("obligations", raw, "entry"):
            if not needs_evidence(o):
                self.add(path + ("obligation",), f"{o.id} is verified by its scenarios only ({o.mode}); it takes no evidence")
                continue
            if e["fingerprint"] != o.fingerprint:
                self.add(path + ("fingerprint",), f"clause text of {o.id} changed since this evidence was recorded "
                         f"({e['fingerprint']}, spec now {o.fingerprint}): examine it against the current text and update the fingerprint")
            self.copies(path, o, e, {"strength": o.strength, "verification": o.mode,
                                     "text": {"zh": o.text.zh, "en": o.text.en}})
            entries[o.id] = Entry(o.id, self.items(path, o, e["items"]))
        return entries

    def copies(self, path, o, record: dict, spec_values: dict) -> None:
        for key, value in spec_values.items():
            if key in record and record[key] != value:
                self.add(path + (key,), f"differs from the spec's {key} of {o.id}: the evidence file copies the spec, it cannot change it")

    def items(self, path, o, raw) -> dict:
        known = {e.id: e for e in o.evidence}
        items, first = {}, {}
        for j, it in enumerate(raw):
            ipath = path + ("items", j)
            if it["id"] not in known:
                self.add(ipath + ("id",), f"{o.id} has no evidence item {it['id']} (it has {', '.join(known)})")
                continue
            if it["id"] in first:
                self.add(ipath, f"duplicate evidence item {o.id} {it['id']} (first at line {first[it['id']]})")
                continue
            first[it["id"]] = self.doc.line_of(ipath)
            spec_item = known[it["id"]]
            self.copies(ipath, o, it, {"examine": {"zh": spec_item.examine.zh, "en": spec_item.examine.en},
                                       "criterion": {"zh": spec_item.criterion.zh, "en": spec_item.criterion.en}})
            if it.get("date") is not None:
                self.day(ipath + ("date",), it["date"], decided=True)
            self.personal(ipath + ("note",), it.get("note"))
            artefacts = tuple(self.artefact(ipath + ("artefacts", k), a) for k, a in enumerate(it.get("artefacts", ())))
            items[it["id"]] = ItemDecision(it["id"], it["decision"], it.get("reviewer"), it.get("date"), it.get("note"), artefacts)
        return items

    def day(self, path, text: str, decided: bool = False) -> date | None:
        day = parse_day(text)
        if day is None:
            self.add(path, f"{text} is not a calendar date")
        elif decided and day > self.on:
            self.add(path, f"decided on {text}, after the certification date {self.on.isoformat()}")
        return day

    def personal(self, path, text: str | None) -> None:
        for pattern, what in PERSONAL_DATA:
            if text and pattern.search(text):
                self.add(path, f"looks like personal data ({what}): record roles, ids and artefact paths, never people's details")

    def artefact(self, path, a: dict) -> Artefact:
        artefact = Artefact(a.get("path"), a.get("uri"), a.get("sha256"))
        for key in ("path", "uri"):
            self.personal(path + (key,), a.get(key))
        if artefact.path and artefact.uri:
            self.add(path, "an artefact is a path or a URI, not both")
        elif artefact.path and Path(artefact.path).is_absolute():
            self.add(path + ("path",), f"{artefact.path} is absolute: write it relative to the evidence file's folder")
        elif artefact.path and self.root is not None:
            target = self.root / artefact.path
            if not target.is_file():
                self.add(path + ("path",), f"artefact {artefact.path} not found (relative to {self.root})")
            else:
                actual = hashlib.sha256(target.read_bytes()).hexdigest()
                if actual != artefact.sha256:
                    self.add(path + ("sha256",), f"artefact {artefact.path} has sha256 {actual}, the evidence file says {artefact.sha256}")
        return artefact

    def waivers(self, raw) -> dict:
        waivers = {}
        for path, o, w in self.each_obligation("waivers", raw, "waiver"):
            if not self.rules.waiver_applies(o.strength):
                self.add(path + ("obligation",), f"{o.id} is a {o.strength} obligation: it needs no waiver (it cannot change the verdict)")
                continue
            self.personal(path + ("reason",), w["reason"])
            granted, expires = self.day(path + ("granted",), w["granted"]), self.day(path + ("expires",), w["expires"])
            if w["fingerprint"] != o.fingerprint:
                self.add(path + ("fingerprint",), f"waiver for {o.id} is void: its clause text changed since it was granted "
                         f"({w['fingerprint']}, spec now {o.fingerprint})")
            elif granted and expires and expires < granted:
                self.add(path + ("expires",), f"waiver for {o.id} expires on {w['expires']}, before it was granted ({w['granted']})")
            elif expires and self.on > expires:
                self.add(path + ("expires",), f"waiver for {o.id} expired: valid through {w['expires']} 24:00 China time, "
                         f"certification date {self.on.isoformat()}")
            elif granted and self.on < granted:
                self.add(path + ("granted",), f"waiver for {o.id} is granted from {w['granted']}, after the certification date {self.on.isoformat()}")
            else:
                waivers[o.id] = Waiver(o.id, w["reason"], w["approver"], w["granted"], w["expires"])
        return waivers
