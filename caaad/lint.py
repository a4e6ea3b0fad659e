"""`caaad lint`: every check of the spec beyond its schema, one finding per problem."""

from pathlib import Path

from .findings import Finding
from .fingerprint import fingerprint, normalise
from .model import STRENGTH_OF_MODAL, Spec
from .specload import LoadResult, load_spec

ELLIPSIS = "……"
EXECUTABLE_KINDS = ("principle", "requirement", "annex")


def lint(spec_dir: Path) -> list[Finding]:
    return lint_loaded(load_spec(spec_dir))


def lint_loaded(result: LoadResult) -> list[Finding]:
    findings = list(result.findings)
    checks = [_check_ids, _check_obligation_text, _check_fingerprints]
    if result.spec.standard:  # standard.yaml failed to load: its finding says why; toc/terms/laws checks would only add noise
        checks += [_check_toc, _check_terms, _check_laws]
    for check in checks:
        findings.extend(check(result))
    return sorted(set(findings), key=lambda f: (f.file, f.line or 0, f.path, f.message))


def _at(result: LoadResult, source, message: str) -> Finding:
    return Finding(source.file, source.line, "$", message)


def _check_ids(result: LoadResult):
    seen: dict[str, object] = {}
    for clause in result.spec.clauses:
        expected_file = f"{clause.id}.yaml"
        if Path(clause.source.file).name != expected_file:
            yield _at(result, clause.source, f"clause {clause.id} must live in {expected_file}")
        for statement in clause.statements:
            if statement.id != clause.id and statement.id.rsplit(".", 1)[0] != clause.id:
                yield _at(result, statement.source, f"statement {statement.id} does not belong to clause {clause.id}")
            items = [statement] + list(statement.obligations)
            for obligation in statement.obligations:
                if obligation.id.rsplit("-", 1)[0] != statement.id:
                    yield _at(result, obligation.source,
                              f"obligation {obligation.id} does not belong to statement {statement.id} (expected {statement.id}-N)")
            for item in items:
                if item.id in seen:
                    yield _at(result, item.source, f"duplicate id {item.id} (also at {seen[item.id]})")
                else:
                    seen[item.id] = item.source


def _check_obligation_text(result: LoadResult):
    for clause in result.spec.clauses:
        for statement in clause.statements:
            for o in statement.obligations:
                # Compared as the fingerprint sees text (NFKC, no whitespace), so a re-wrapped line stays verbatim.
                text, source = normalise(o.text.zh), normalise(statement.text.zh)
                if o.modal is not None and o.modal not in text:
                    yield _at(result, o.source, f"{o.id}: modal verb '{o.modal}' does not appear in its Chinese text")
                expected = STRENGTH_OF_MODAL.get(o.modal)
                if expected and expected != o.strength:
                    yield _at(result, o.source,
                              f"{o.id}: modal verb '{o.modal}' means {expected} (GB/T 1.1), but strength is {o.strength}")
                if expected and o.strength_inferred:
                    yield _at(result, o.source, f"{o.id}: strength_inferred, but the GB/T 1.1 verb '{o.modal}' gives "
                                                "the strength: drop the flag")
                if o.informative != (clause.kind == "annex"):
                    yield _at(result, o.source, f"{o.id}: strength {o.strength} in a {clause.kind} clause (only the "
                                                "informative annex, and all of it, is informative)")
                for fragment in o.text.zh.split(ELLIPSIS):
                    if normalise(fragment) and normalise(fragment) not in source:
                        yield _at(result, o.source,
                                  f"{o.id}: text '{fragment[:30]}…' is not verbatim from statement {statement.id}")


def _check_toc(result: LoadResult):
    spec, standard_file = result.spec, result.standard_file
    toc = spec.standard.get("toc", [])
    entries = {e["id"]: e for e in toc if e["kind"] in EXECUTABLE_KINDS}
    clauses = {c.id: c for c in spec.clauses}
    for cid in entries.keys() - clauses.keys():
        if any(Path(f.file).name == f"{cid}.yaml" for f in result.findings):
            continue  # the file exists but failed its schema; that finding says why
        yield Finding(standard_file, _toc_line(result, cid), "$", f"clause {cid} is in the table of contents but has no file clauses/{cid}.yaml")
    for cid in clauses.keys() - entries.keys():
        yield _at(result, clauses[cid].source, f"clause {cid} is not in the table of contents of standard.yaml")
    for cid in clauses.keys() & entries.keys():
        entry, clause = entries[cid], clauses[cid]
        if entry["kind"] != clause.kind:
            yield _at(result, clause.source, f"clause {cid} is a {clause.kind} here but a {entry['kind']} in the table of contents")
        if entry["title"]["zh"] != clause.title.zh:
            yield _at(result, clause.source, f"clause {cid} title '{clause.title.zh}' differs from the table of contents '{entry['title']['zh']}'")
        letters = [s.id.rsplit(".", 1)[1] for s in clause.statements if s.id != cid]
        if letters != entry.get("items", []):
            yield _at(result, clause.source,
                      f"clause {cid} items {letters or 'none'} differ from the table of contents {entry.get('items') or 'none'}")


def _toc_line(result: LoadResult, cid: str):
    doc = result.documents.get(result.standard_file)
    toc = result.spec.standard.get("toc", [])
    index = next(i for i, e in enumerate(toc) if e["id"] == cid)
    return doc.line_of(("toc", index)) if doc else None


def _check_terms(result: LoadResult):
    toc_terms = [e["id"] for e in result.spec.standard.get("toc", []) if e["kind"] == "term"]
    terms = [t.id for t in result.spec.terms]
    if toc_terms != terms:
        yield Finding(result.standard_file, None, "$.terms", f"terms {terms} differ from the table of contents {toc_terms}")


def _check_laws(result: LoadResult):
    known = {law["abbr"] for law in result.spec.standard.get("laws", [])}
    for o in result.spec.obligations.values():
        for ref in o.legal_refs:
            if ref.law not in known:
                yield _at(result, o.source, f"{o.id}: law '{ref.law}' is not listed under laws in standard.yaml")


def _check_fingerprints(result: LoadResult):
    for item, text in fingerprinted(result.spec):
        computed = fingerprint(text)
        if item.fingerprint is None:
            yield _at(result, item.source, f"{item.id}: text not yet reviewed (no fingerprint); review it, then run: caaad spec accept {item.id}")
        elif item.fingerprint != computed:
            yield _at(result, item.source, f"{item.id}: clause text changed since it was reviewed; review its obligations and translation, then run: caaad spec accept {item.id}")


def fingerprinted(spec: Spec):
    """Every record that carries a fingerprint, with the Chinese text it covers."""
    for term in spec.terms:
        yield term, term.definition.zh
    for clause in spec.clauses:
        for statement in clause.statements:
            yield statement, statement.text.zh
            for obligation in statement.obligations:
                yield obligation, obligation.text.zh
