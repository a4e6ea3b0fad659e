"""`caaad export oscal --results R [--evidence E]`: a run as an OSCAL assessment-results document (JSON).

- The assessment plan is the kit and the spec it ran: `import-ap` points to a back-matter resource that
  names the kit version, the standard and the spec and features digests (there is no separate plan file).
- One finding per obligation in scope, targeting the obligation id as an objective. OSCAL knows two states:
  `satisfied` for an obligation that passed; `not-satisfied` for every other outcome, with `reason` `fail`
  (failed) or `other` (error, not_tested: conformance was not shown) and the kit's own outcome as a
  property, so that nothing not shown is reported satisfied.
- One observation (method TEST) per scenario, linked from the findings of its obligations; with an
  evidence file, one observation (method EXAMINE) per evidence item, its decision and its artefacts (by
  path or URI and sha256) as relevant evidence. The findings state the run's outcome; the certification
  verdict that combines it with the evidence decisions is `caaad certify`'s.

UUIDs are derived from the run (version 5), so exporting the same run twice gives the same document.
"""

import uuid
from pathlib import Path

from . import __version__, outcomes
from .results import scenario_title
from .usage import UsageError

OSCAL_VERSION = "1.2.1"
NS = "https://caaad.example/ns/oscal"  # the kit's own property names (outcome, location, obligation)
_REASON = {outcomes.FAILED: "fail", outcomes.ERROR: "other", outcomes.NOT_TESTED: "other"}


def load_evidence(path: str, results: dict) -> list[dict]:
    """The evidence file's entries, read and checked by certification's own reader (caaad/certify/evidence.py)
    for the run's profile; its findings, one line each, stop the export. Artefact hashes are certify's to check."""
    from .certify.days import china_today
    from .certify.evidence import load_evidence as read_evidence
    from .usage import load_clean_spec
    evidence, findings = read_evidence(Path(path), load_clean_spec(None), results["profile"], china_today(),
                                       display=path, check_artefacts=False)
    if findings:
        raise UsageError("\n".join(str(f) for f in findings))
    return [{"obligation": entry.obligation,
             "items": [{"id": item.id, "decision": item.decision, "note": item.note, "date": item.date,
                        "artefacts": [{"path": a.path, "uri": a.uri, "sha256": a.sha256} for a in item.artefacts]}
                       for item in entry.items.values()]}
            for entry in evidence.entries.values()]


def assessment_results(results: dict, evidence: list[dict]) -> dict:
    run = f"caaad:{results['spec_digest']}:{results['features_digest']}:{results['started_at']}:{results['adapter']['spec']}"

    def uid(*parts) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, ":".join((run, *parts))))

    plan = uid("plan")
    observations, by_obligation = [], {}
    for s in results["scenarios"]:
        observation = {
            "uuid": uid("scenario", s["id"]), "title": scenario_title(s),
            "description": f"Scenario {s['location']} ({', '.join(s['obligations'])}): {s['outcome']}"
                           + (f" — {s['message']}" if s["message"] else ""),
            "props": [_prop("outcome", s["outcome"]), _prop("location", s["location"])],
            "methods": ["TEST"], "collected": results["finished_at"]}
        observations.append(observation)
        for oid in s["obligations"]:
            by_obligation.setdefault(oid, []).append(observation["uuid"])
    for entry in evidence:
        for index, item in enumerate(entry["items"]):
            observation = {
                "uuid": uid("evidence", entry["obligation"], str(index)),
                "title": f"{entry['obligation']} evidence {item.get('id', index + 1)}",
                "description": f"Evidence {item.get('id', index + 1)} for {entry['obligation']}: {item['decision']}"
                               + (f" — {item['note']}" if item.get("note") else ""),
                "props": [_prop("decision", item["decision"])],
                "methods": ["EXAMINE"], "collected": _collected(item, results)}
            artefacts = [a for a in item.get("artefacts") or () if isinstance(a, dict) and (a.get("uri") or a.get("path"))]
            if artefacts:
                observation["relevant-evidence"] = [
                    {"href": a.get("uri") or a["path"], "description": f"artefact {a.get('uri') or a['path']}",
                     **({"props": [_prop("sha256", a["sha256"])]} if a.get("sha256") else {})} for a in artefacts]
            observations.append(observation)
            by_obligation.setdefault(entry["obligation"], []).append(observation["uuid"])
    findings = [_finding(row, uid("finding", row["id"]), by_obligation.get(row["id"], []))
                for row in results["obligations"] if row["in_scope"]]
    system = (results["adapter"]["describe"] or {}).get("name") or results["adapter"]["spec"]
    result = {"uuid": uid("result"), "title": f"{results['standard']} conformance run of {system}",
              "description": f"caaad run of {results['adapter']['spec']}, profile {results['profile']}.",
              "start": results["started_at"], "end": results["finished_at"],
              "props": [_prop("profile", results["profile"])],
              "reviewed-controls": {"control-selections": [{"include-all": {}}],
                                    "description": f"Every obligation of {results['standard']} in the {results['profile']} profile."},
              "findings": findings}
    if observations:
        result["observations"] = observations
    return {"assessment-results": {
        "uuid": uid("document"),
        "metadata": {"title": f"{results['standard']} assessment results: {system}",
                     "last-modified": results["finished_at"], "version": results["kit"]["version"],
                     "oscal-version": OSCAL_VERSION,
                     "props": [_prop("kit", f"caaad-conformance {__version__}")]},
        "import-ap": {"href": f"#{plan}"},
        "results": [result],
        "back-matter": {"resources": [{
            "uuid": plan, "title": f"caaad-conformance {results['kit']['version']}: the scenarios and spec of {results['standard']}",
            "description": "The assessment plan: the conformance kit, the spec (obligations) and the scenarios this run used, "
                           "identified by their digests.",
            "props": [_prop("spec-digest", results["spec_digest"]), _prop("features-digest", results["features_digest"]),
                      _prop("contract-version", results["contract_version"])]}]},
    }}


def _finding(row: dict, finding_uuid: str, related: list[str]) -> dict:
    satisfied = row["outcome"] == outcomes.PASSED
    status = {"state": "satisfied" if satisfied else "not-satisfied"}
    if not satisfied:
        status["reason"] = _REASON.get(row["outcome"], "other")
    finding = {"uuid": finding_uuid, "title": f"Obligation {row['id']}",
               "description": f"{row['id']} (clause {row['clause']}, {row['strength']}, {row['actor']}, "
                              f"{row['verification']}): {row['outcome']}" + (f" — {row['reason']}" if row["reason"] else ""),
               "props": [_prop("obligation", row["id"]), _prop("outcome", row["outcome"]), _prop("clause", row["clause"])],
               # an OSCAL token starts with a letter: the obligation id as the scenarios tag it, req-<id>
               "target": {"type": "objective-id", "target-id": f"req-{row['id']}", "status": status}}
    if related:
        finding["related-observations"] = [{"observation-uuid": u} for u in related]
    return finding


def _prop(name: str, value: str) -> dict:
    return {"name": name, "ns": NS, "value": str(value)}


def _collected(item: dict, results: dict) -> str:
    """An evidence item's review date (China time) as a timestamp; the run's end when it has none."""
    day = item.get("date")
    return f"{day}T00:00:00+08:00" if isinstance(day, str) and len(day) == 10 else results["finished_at"]
