"""`caaad spec export` and `caaad spec show`: the requirement model as rows and as text."""

import csv
import io
import json

from .model import Obligation, Spec

COLUMNS = ("id", "clause", "statement", "strength", "strength_inferred", "modal", "actor", "co_actors", "phase", "verification",
           "text_zh", "text_en", "translation_status", "automated_zh", "automated_en", "evidence", "params",
           "legal_refs", "classification_note_zh", "classification_note_en", "fingerprint", "source")


def obligation_row(o: Obligation) -> dict:
    return {
        "id": o.id, "clause": o.clause_id, "statement": o.statement_id, "strength": o.strength,
        "strength_inferred": o.strength_inferred, "modal": o.modal or "", "actor": o.actor, "co_actors": " ".join(o.co_actors), "phase": o.phase,
        "verification": o.mode, "text_zh": o.text.zh, "text_en": o.text.en,
        "translation_status": o.text.translation_status,
        "automated_zh": o.automated.zh if o.automated else "", "automated_en": o.automated.en if o.automated else "",
        "evidence": [{"id": e.id, "examine": vars(e.examine), "criterion": vars(e.criterion)} for e in o.evidence],
        "params": [_present({**vars(p), "description": vars(p.description) if p.description else None}) for p in o.params],
        "legal_refs": [_present(vars(r)) for r in o.legal_refs],
        "classification_note_zh": o.classification_note.zh if o.classification_note else "",
        "classification_note_en": o.classification_note.en if o.classification_note else "",
        "fingerprint": o.fingerprint or "", "source": str(o.source),
    }


def _present(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if v is not None}


def export_json(spec: Spec) -> str:
    document = {
        "standard": {k: spec.standard.get(k) for k in ("code", "title", "publisher", "published", "effective")},
        "digest": spec.digest,
        "clauses": [{"id": c.id, "kind": c.kind, "title": vars(c.title),
                     "statements": [s.id for s in c.statements]} for c in spec.clauses],
        "terms": [{"id": t.id, "term": vars(t.term), "definition": vars(t.definition)} for t in spec.terms],
        "obligations": [obligation_row(o) for o in spec.obligations.values()],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def export_csv(spec: Spec) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for o in spec.obligations.values():
        row = obligation_row(o)
        for key in ("evidence", "params"):
            row[key] = json.dumps(row[key], ensure_ascii=False) if row[key] else ""
        row["legal_refs"] = "; ".join(f"{r['law']} Art {r['article']}" + (f" ({r['note']})" if "note" in r else "")
                                      for r in row["legal_refs"])
        writer.writerow(row)
    return out.getvalue()


def show(spec: Spec, item_id: str) -> str | None:
    """A clause, statement or obligation, bilingual, as plain text; None when the id is unknown."""
    clause = spec.clause(item_id)
    if clause:
        head = [f"{clause.id} {clause.title.zh} — {clause.title.en}  [{clause.kind}]  ({clause.source})"]
        if clause.lead_in:
            head += [f"  {clause.lead_in.zh}", f"  {clause.lead_in.en}"]
        return "\n".join(head + ["", *(_statement(s) for s in clause.statements)])
    if item_id in spec.statements:
        return _statement(spec.statements[item_id])
    if item_id in spec.obligations:
        return _obligation(spec.obligations[item_id])
    return None


def _statement(s) -> str:
    lines = [f"{s.id}", f"  zh: {s.text.zh}", f"  en: {s.text.en}", ""]
    return "\n".join(lines + [_obligation(o, indent="    ") for o in s.obligations])


def _obligation(o: Obligation, indent: str = "") -> str:
    lines = [
        f"{o.id}  {o.strength}{' (strength inferred)' if o.strength_inferred else ''} ({o.modal or 'no modal verb'})  actor: {o.actor}"
        + (f" (+ {', '.join(o.co_actors)})" if o.co_actors else "") + f"  phase: {o.phase}  verification: {o.mode}",
        f"  zh: {o.text.zh}",
        f"  en: {o.text.en}  [{o.text.translation_status}]",
    ]
    if o.classification_note:
        doubt = " (strength inferred: the kit's reading, doubtful)" if o.strength_inferred else ""
        lines.append(f"  classified{doubt}: {o.classification_note.en}")
    if o.automated:
        lines.append(f"  scenarios check: {o.automated.en}")
    for e in o.evidence:
        lines.append(f"  evidence {e.id}: {e.examine.en} — pass when: {e.criterion.en}")
    for p in o.params:
        value = f"{p.value} {p.unit}" if p.kind == "fixed" else f"declared by the system ({p.unit}"
        value += f", legal max {p.legal_max})" if p.kind != "fixed" and p.legal_max is not None else (")" if p.kind != "fixed" else "")
        lines.append(f"  param {p.name}: {value}")
    if o.legal_refs:
        lines.append(f"  law: {'; '.join(map(str, o.legal_refs))}")
    lines.append(f"  source: {o.source}")
    return "\n".join(indent + line for line in lines) + "\n"
