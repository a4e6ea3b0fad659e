"""Load spec/ into the requirement model: YAML with line numbers, JSON Schema, then objects.

Files that fail the schema are reported and left out of the model, so the model itself is
always well formed; `caaad lint` adds the semantic checks (lint.py).
"""

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import yamlio
from .findings import Finding
from .model import (Bilingual, Clause, Evidence, LegalRef, Obligation, Param, Source, Spec,
                    Statement, Term, Text)


class SpecError(Exception):
    """The spec cannot be used; str() is one line naming the first problem."""


@dataclass(frozen=True)
class LoadResult:
    spec: Spec
    findings: tuple[Finding, ...]
    documents: dict  # display name -> yamlio.YamlDocument
    standard_file: str = "spec/standard.yaml"  # display name of standard.yaml, as findings name it


class _SchemaCheck:
    """One spec schema: jsonschema-rs decides whether a document is valid (about 0.7 s of jsonschema for the
    real spec's 25 files, a few ms here); jsonschema, built and imported only when a document is not valid
    (or one jsonschema-rs cannot take), finds and words the errors, so the findings are jsonschema's as before."""

    def __init__(self, fast, slow):
        self._fast, self._slow = fast, slow

    def is_valid(self, instance) -> bool:
        try:
            return self._fast.is_valid(instance)
        except Exception:  # noqa: BLE001 - a value jsonschema-rs cannot read (e.g. a YAML date): jsonschema decides
            return False

    def iter_errors(self, instance):
        return self._slow().iter_errors(instance)


@lru_cache(maxsize=4)
def _schemas(schema_dir: Path) -> dict:
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(schema_dir.glob("*.schema.json"))}


@lru_cache(maxsize=4)
def _slow_validators(schema_dir: Path):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    schemas = _schemas(schema_dir)
    registry = Registry()
    for schema in schemas.values():
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    return {name: Draft202012Validator(schema, registry=registry) for name, schema in schemas.items()}


@lru_cache(maxsize=4)
def _validators(schema_dir: Path):
    import jsonschema_rs
    schemas = _schemas(schema_dir)
    registry = jsonschema_rs.Registry([(schema["$id"], schema) for schema in schemas.values()])
    return {name: _SchemaCheck(jsonschema_rs.Draft202012Validator(schema, registry=registry, validate_formats=False),
                               lambda name=name: _slow_validators(schema_dir)[name])
            for name, schema in schemas.items()}


def _schema_findings(doc: yamlio.YamlDocument, validator) -> list[Finding]:
    if validator.is_valid(doc.data):
        return []
    out = []
    for error in sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
        # The deepest error of a oneOf/anyOf/if-then is the one a person can act on.
        leaf = min(error.context, key=lambda e: -len(e.absolute_path)) if error.context else error
        out.append(doc.finding(leaf.absolute_path, leaf.message))
    return out


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def load_spec(spec_dir: Path) -> LoadResult:
    spec_dir = Path(spec_dir)
    validators = _validators((spec_dir / "schema").resolve())
    findings: list[Finding] = []
    documents = {}
    digest = hashlib.sha256()

    def read(path: Path, schema: str):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        doc = yamlio.load(path, _display(path, spec_dir))
        documents[doc.file] = doc
        findings.extend(doc.findings)
        if doc.data is None:
            return None
        problems = _schema_findings(doc, validators[schema])
        explained = {f.line for f in doc.findings}  # a YAML trap on that line already says what is wrong
        findings.extend(p for p in problems if p.line not in explained)
        return None if problems else doc

    standard_path = spec_dir / "standard.yaml"
    if not standard_path.is_file():
        raise SpecError(f"{spec_dir}: no standard.yaml; is this a spec directory?")
    standard_doc = read(standard_path, "standard.schema.json")
    clause_docs = [read(p, "clause.schema.json") for p in sorted((spec_dir / "clauses").glob("*.yaml"))]

    standard = standard_doc.data if standard_doc else {}
    by_id = {doc.data["id"]: doc for doc in clause_docs if doc}
    order = [e["id"] for e in standard.get("toc", ())]
    ordered = sorted(by_id, key=lambda cid: (order.index(cid) if cid in order else len(order), cid))
    clauses = tuple(_clause(by_id[cid]) for cid in ordered)
    terms = tuple(Term(t["id"], _bi(t["term"]), _text(t["definition"]), t.get("fingerprint"),
                       Source(standard_doc.file, standard_doc.line_of(("terms", i))))
                  for i, t in enumerate(standard.get("terms", ())))
    spec = Spec(standard=standard, clauses=clauses, terms=terms, digest="sha256:" + digest.hexdigest())
    for clause in clauses:
        for statement in clause.statements:
            spec.statements.setdefault(statement.id, statement)
            for obligation in statement.obligations:
                spec.obligations.setdefault(obligation.id, obligation)
    return LoadResult(spec, tuple(findings), documents, _display(standard_path, spec_dir))


def _bi(d) -> Bilingual | None:
    return Bilingual(d["zh"], d["en"]) if d else None


def _text(d) -> Text | None:
    return Text(d["zh"], d["en"], d["translation_status"]) if d else None


def _clause(doc: yamlio.YamlDocument) -> Clause:
    d = doc.data
    statements = []
    for si, s in enumerate(d["statements"]):
        obligations = []
        for oi, o in enumerate(s["obligations"]):
            v = o["verification"]
            obligations.append(Obligation(
                id=o["id"], statement_id=s["id"], clause_id=d["id"], text=_text(o["text"]),
                modal=o["modal"], strength=o["strength"], actor=o["actor"], phase=o["phase"],
                mode=v["mode"], fingerprint=o["fingerprint"],
                source=Source(doc.file, doc.line_of(("statements", si, "obligations", oi))),
                classification_note=_bi(o.get("classification_note")),
                strength_inferred=bool(o.get("strength_inferred")),
                co_actors=tuple(o.get("co_actors", ())),
                automated=_bi(v.get("automated")),
                evidence=tuple(Evidence(e["id"], _bi(e["examine"]), _bi(e["criterion"])) for e in v.get("evidence", ())),
                params=tuple(Param(p["name"], p["kind"], p.get("unit"), p.get("value"), p.get("legal_max"),
                                   _bi(p.get("description"))) for p in o.get("params", ())),
                legal_refs=tuple(LegalRef(r["law"], r["article"], r.get("note")) for r in o.get("legal_refs", ())),
            ))
        statements.append(Statement(s["id"], d["id"], _text(s["text"]), s["fingerprint"],
                                    Source(doc.file, doc.line_of(("statements", si))), tuple(obligations)))
    return Clause(id=d["id"], kind=d["kind"], title=_bi(d["title"]), source=Source(doc.file, 1),
                  statements=tuple(statements), lead_in=_text(d.get("lead_in")),
                  editorial_title=bool(d["title"].get("editorial")))
