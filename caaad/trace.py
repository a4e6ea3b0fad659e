"""`caaad trace`: the traceability matrix clause → obligation → scenarios (file:line) → outcome, and its gaps.

One piece of code for the matrix: the command prints it (Markdown, JSON, CSV) and the website's matrix page
is rendered by `render_markdown` here too. Gaps:

- obligation gaps: an automated or hybrid obligation no scenario is tagged with; a documentary or hybrid
  obligation without an evidence item that states a pass criterion;
- scenario problems: a tag naming no obligation of the spec, a duplicate scenario name, a scenario without
  any @req: tag, a feature file that cannot be read.

`--check` fails (exit 1) on every scenario problem and on every gap in a shall / shall not obligation that
spec/known-gaps.yaml does not list, and on every entry of that file that is no longer a gap, so the list only
shrinks. `--write-known-gaps` rewrites the file from the current gaps, keeping the reasons already written.
"""

import csv
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import outcomes, yamlio
from .labels import ACTOR, MODE, STRENGTH, label, outcome_label
from .model import Bilingual, Obligation, Spec
from .scenarios import REQ_PREFIX, Scenario, ScenarioIndex

FORMAT = 1

# Gap kinds.
NO_SCENARIO = "no_scenario"
NO_EVIDENCE = "no_evidence"
UNKNOWN_ID = "unknown_id"
DUPLICATE_NAME = "duplicate_name"
UNTAGGED = "untagged"
FEATURE_ERROR = "feature_error"
GAP_LABELS = {
    NO_SCENARIO: "无场景 no scenario",
    NO_EVIDENCE: "无证据准则 no evidence criterion",
    UNKNOWN_ID: "未知义务编号 unknown obligation id",
    DUPLICATE_NAME: "场景重名 duplicate scenario name",
    UNTAGGED: "无 @req 标签 untagged",
    FEATURE_ERROR: "功能文件无法读取 unreadable feature file",
}
CLAUSE_KINDS = ("principle", "requirement", "annex")
KNOWN_GAPS_FILE = "known-gaps.yaml"


class TraceInputError(Exception):
    """A results or known-gaps file the command cannot use; str() is one line with file[:line]."""


# ---------------------------------------------------------------------------------------------------------
# The matrix


@dataclass(frozen=True)
class Gap:
    kind: str
    where: str  # file:line of the obligation in spec/ or of the scenario in features/
    message: str
    obligation: str | None = None  # set for obligation gaps, None for scenario problems
    clause: str | None = None
    mandatory: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class RunResults:
    """What the matrix needs from one results.json."""
    file: str
    profile: str | None
    started_at: str | None
    spec_digest: str | None
    features_digest: str | None
    obligations: dict  # obligation id -> row of results.json
    scenarios: dict  # location (file:line) -> outcome rolled up over the rows with that location


@dataclass(frozen=True)
class KnownGaps:
    file: str
    entries: dict  # obligation id -> reason
    lines: dict  # obligation id -> line in the file


@dataclass(frozen=True)
class Row:
    obligation: Obligation
    scenarios: tuple[Scenario, ...]
    gaps: tuple[Gap, ...]
    outcome: str | None  # None: no results given, or this obligation is not in them
    reason: str = ""  # why, from results.json (e.g. "documentary: needs evidence")
    known_reason: str | None = None  # the known-gaps entry, if any

    @property
    def id(self) -> str:
        return self.obligation.id


@dataclass(frozen=True)
class ClauseEntry:
    id: str
    group: str
    title: Bilingual | None
    modelled: bool  # a clause file exists and loaded
    rows: tuple[Row, ...]


@dataclass
class Matrix:
    spec: Spec
    index: ScenarioIndex
    groups: list  # [(group id, Bilingual title | None, [ClauseEntry])] in table-of-contents order
    rows: dict  # obligation id -> Row, in document order
    problems: list  # scenario-level gaps
    results: RunResults | None = None
    known: KnownGaps | None = None
    stale: list = field(default_factory=list)  # (line, obligation id, message) for known-gaps entries to remove

    def clauses(self):
        for _, _, entries in self.groups:
            yield from entries

    def obligation_gaps(self) -> list[Gap]:
        return [g for row in self.rows.values() for g in row.gaps]

    def scenario_outcome(self, scenario: Scenario) -> str | None:
        return self.results.scenarios.get(scenario.location) if self.results else None

    def results_stale(self) -> list[str]:
        """'spec' and/or 'features' when the results were produced from other versions of them."""
        if not self.results:
            return []
        out = []
        if self.results.spec_digest and self.results.spec_digest != self.spec.digest:
            out.append("spec")
        if self.results.features_digest and self.results.features_digest != self.index.digest:
            out.append("features")
        return out

    def check(self) -> list[str]:
        """What `--check` fails on, one line each; empty when clean."""
        lines = [str(p) for p in self.problems]
        known = self.known.entries if self.known else {}
        source = self.known.file if self.known else f"spec/{KNOWN_GAPS_FILE}"
        for gap in self.obligation_gaps():
            if gap.mandatory and gap.obligation not in known:
                lines.append(f"{gap} (not listed in {source})")
        for line, _oid, message in self.stale:
            lines.append(f"{self.known.file}:{line}: {message}")
        return lines

    def summary(self) -> dict:
        rows = list(self.rows.values())
        executable = [r for r in rows if r.obligation.executable]
        documentary = [r for r in rows if r.obligation.mode in ("documentary", "hybrid")]
        gaps = self.obligation_gaps()
        known = self.known.entries if self.known else {}
        entries = list(self.clauses())
        out = {
            "clauses": len(entries),
            "clauses_modelled": sum(e.modelled for e in entries),
            "obligations": len(rows),
            "mandatory": sum(r.obligation.mandatory for r in rows),
            "automated_or_hybrid": len(executable),
            "with_scenarios": sum(bool(r.scenarios) for r in executable),
            "documentary_or_hybrid": len(documentary),
            "with_evidence_criteria": sum(not any(g.kind == NO_EVIDENCE for g in r.gaps) for r in documentary),
            "scenarios": len(self.index.scenarios),
            "feature_files": len({s.file for s in self.index.scenarios}),
            "gaps_mandatory_unlisted": len({g.obligation for g in gaps if g.mandatory and g.obligation not in known}),
            "gaps_known": len({g.obligation for g in gaps if g.mandatory and g.obligation in known}),
            "gaps_advisory": len({g.obligation for g in gaps if not g.mandatory}),
            "known_gaps_stale": len(self.stale),
            "scenario_problems": len(self.problems),
        }
        if self.results:
            counts: dict[str, int] = {}
            for r in rows:
                key = r.outcome or "not_run"
                counts[key] = counts.get(key, 0) + 1
            out["outcomes"] = counts
        return out


def build(spec: Spec, index: ScenarioIndex, results: RunResults | None = None,
          known: KnownGaps | None = None) -> Matrix:
    by_obligation = index.by_obligation()
    known_entries = known.entries if known else {}
    rows: dict[str, Row] = {}
    for o in spec.obligations.values():
        scenarios = tuple(by_obligation.get(o.id, ()))
        gaps = []
        if o.executable and not scenarios:
            gaps.append(Gap(NO_SCENARIO, str(o.source), f"{o.id} ({o.strength}, {o.mode}): no scenario is tagged "
                            f"{REQ_PREFIX}{o.id}", o.id, o.clause_id, o.mandatory))
        if o.mode in ("documentary", "hybrid") and not any(e.criterion and e.criterion.zh and e.criterion.en
                                                          for e in o.evidence):
            gaps.append(Gap(NO_EVIDENCE, str(o.source), f"{o.id} ({o.strength}, {o.mode}): no evidence item with a "
                            "pass criterion for the auditor", o.id, o.clause_id, o.mandatory))
        outcome, reason = None, ""
        if results and o.id in results.obligations:
            row = results.obligations[o.id]
            outcome = outcomes.NOT_APPLICABLE if row.get("in_scope") is False else row.get("outcome")
            reason = row.get("reason") or ""
        rows[o.id] = Row(o, scenarios, tuple(gaps), outcome, reason, known_entries.get(o.id))

    matrix = Matrix(spec, index, _groups(spec, rows), rows, _scenario_problems(spec, index), results, known)
    if known:
        for oid, reason in known.entries.items():
            line = known.lines.get(oid)
            if oid not in rows:
                matrix.stale.append((line, oid, f"{oid} is listed in known-gaps but is not an obligation id in the spec: "
                                                "remove it"))
            elif not rows[oid].gaps:
                matrix.stale.append((line, oid, f"{oid} is listed in known-gaps but now covered: remove it"))
    return matrix


def _groups(spec: Spec, rows: dict) -> list:
    toc = [e for e in spec.standard.get("toc", ()) if isinstance(e, dict)]
    titles = {e["id"]: Bilingual(e["title"]["zh"], e["title"]["en"]) for e in toc if e.get("title")}
    ids = [e["id"] for e in toc if e.get("kind") in CLAUSE_KINDS]
    ids += [c.id for c in spec.clauses if c.id not in ids]  # a clause file the table of contents lacks
    groups: dict[str, list] = {}
    for cid in ids:
        clause = spec.clause(cid)
        group = group_of(cid)
        entry_rows = tuple(rows[o.id] for s in clause.statements for o in s.obligations) if clause else ()
        groups.setdefault(group, []).append(
            ClauseEntry(cid, group, clause.title if clause else titles.get(cid), clause is not None, entry_rows))
    return [(g, titles.get(g), entries) for g, entries in groups.items()]


def group_of(clause_id: str) -> str:
    """'5.4' for 5.4.2, '4' for 4.1, 'A' for A.1 (as Clause.group)."""
    parts = clause_id.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else parts[0]


def _scenario_problems(spec: Spec, index: ScenarioIndex) -> list[Gap]:
    problems = []
    at_scenario = {(s.file, s.line) for s in index.scenarios}
    for finding in index.findings:  # a file that does not parse contributes no scenarios: say so
        if (finding.file, finding.line) not in at_scenario:
            problems.append(Gap(FEATURE_ERROR, f"{finding.file}:{finding.line}" if finding.line else finding.file,
                                finding.message))
    seen: dict[str, str] = {}
    for s in index.scenarios:
        if not s.obligation_ids:
            problems.append(Gap(UNTAGGED, s.location, f"scenario '{s.name}' has no {REQ_PREFIX}<obligation id> tag"))
        for oid in s.obligation_ids:
            if oid not in spec.obligations:
                problems.append(Gap(UNKNOWN_ID, s.location, f"scenario '{s.name}' is tagged {REQ_PREFIX}{oid}, "
                                    "which is not an obligation id in the spec"))
        if s.name in seen:
            problems.append(Gap(DUPLICATE_NAME, s.location, f"duplicate scenario name '{s.name}' (also at "
                                f"{seen[s.name]}); pytest-bdd would silently run only one"))
        else:
            seen[s.name] = s.location
    return problems


# ---------------------------------------------------------------------------------------------------------
# Inputs: results.json and known-gaps.yaml


def load_results(path: Path, display: str | None = None) -> RunResults:
    display = display or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TraceInputError(f"{display}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise TraceInputError(f"{display}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise TraceInputError(f"{display}:{e.lineno}: not JSON: {e.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("obligations"), list):
        raise TraceInputError(f"{display}: not a caaad results.json (no 'obligations' list)")
    obligations = {r["id"]: r for r in data["obligations"] if isinstance(r, dict) and isinstance(r.get("id"), str)}
    per_location: dict[str, list[str]] = {}
    for s in data.get("scenarios") or ():
        if isinstance(s, dict) and isinstance(s.get("location"), str) and s.get("outcome") in outcomes.SCENARIO_OUTCOMES:
            per_location.setdefault(s["location"], []).append(s["outcome"])
    return RunResults(display, data.get("profile"), data.get("started_at"), data.get("spec_digest"),
                      data.get("features_digest"), obligations,
                      {loc: outcomes.roll_up(found) for loc, found in per_location.items()})


def load_known_gaps(path: Path, display: str | None = None) -> KnownGaps:
    display = display or str(path)
    path = Path(path)
    if not path.is_file():
        raise TraceInputError(f"{display}: no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise TraceInputError(f"{display}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        return KnownGaps(display, {}, {})  # no gaps left: an empty list is a fine list
    doc = yamlio.load(path, display)
    if doc.findings:
        raise TraceInputError(str(doc.findings[0]))
    if not isinstance(doc.data, dict):
        raise TraceInputError(f"{display}:{doc.line_of(()) or 1}: known-gaps must map obligation ids to reasons "
                              '("5.1.1.a-1": why it is not verified yet)')
    entries, lines = {}, {}
    for key, reason in doc.data.items():
        line = doc.line_of((key,))
        if not isinstance(key, str):
            raise TraceInputError(f"{display}:{line}: obligation id {key!r} must be quoted, e.g. \"{key}\"")
        if not isinstance(reason, str) or not reason.strip():
            raise TraceInputError(f"{display}:{line}: {key}: the reason must be a non-empty text")
        entries[key], lines[key] = reason.strip(), line
    return KnownGaps(display, entries, lines)


def default_reason(row: Row) -> str:
    kinds = {g.kind for g in row.gaps}
    clause = row.obligation.clause_id
    parts = []
    if NO_SCENARIO in kinds:
        issue = "executable conformance beyond 5.4" if group_of(clause) != "5.4" else "executable conformance for 5.4"
        parts.append(f"scenarios for clause {clause} not written yet (issue: {issue})")
    if NO_EVIDENCE in kinds:
        parts.append(f"evidence criteria for clause {clause} not written yet")
    return "; ".join(parts)


KNOWN_GAPS_HEADER = """\
# Known gaps of the traceability matrix (`caaad trace`): shall / shall not obligations that are not yet
# verified the way their verification mode requires: an automated or hybrid obligation without a scenario,
# a documentary or hybrid one without an evidence criterion.
#
# `caaad trace --check` fails on any other such gap, and on an entry below that is no longer a gap
# ("listed in known-gaps but now covered: remove it"), so this list only shrinks.
# One entry per obligation id: "<obligation id>": <reason>.
# Regenerate with `caaad trace --write-known-gaps` (keeps the reasons of entries that are still gaps).
"""


def known_gaps_text(matrix: Matrix) -> tuple[str, list[str], list[str]]:
    """The known-gaps file for the current gaps, with the ids added and removed compared to matrix.known."""
    old = matrix.known.entries if matrix.known else {}
    lines, ids = [KNOWN_GAPS_HEADER], []
    for row in matrix.rows.values():
        if row.obligation.mandatory and row.gaps:
            ids.append(row.id)
            lines.append(f"{json.dumps(row.id)}: {json.dumps(old.get(row.id) or default_reason(row), ensure_ascii=False)}")
    if not ids:
        lines.append("{}  # no known gaps")
    return "\n".join(lines) + "\n", [i for i in ids if i not in old], [i for i in old if i not in ids]


# ---------------------------------------------------------------------------------------------------------
# Renderings


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(matrix: Matrix, link=None) -> str:
    """The matrix as Markdown. link(obligation_id) -> URL makes each obligation id a link (the website)."""
    out = ["# 追溯矩阵 Traceability matrix", ""]
    spec = matrix.spec
    out.append(f"{spec.standard.get('code', 'T/CAAAD 001—2023')} · spec `{spec.digest[:19]}…` · "
               f"features `{matrix.index.digest[:19]}…`")
    out.append("")
    if matrix.results:
        r = matrix.results
        out.append(f"结果 Results: `{r.file}` (profile {r.profile or '?'}, started {r.started_at or '?'})")
        stale = matrix.results_stale()
        if stale:
            out += ["", f"!!! warning \"结果可能已过时 Results may be out of date\"",
                    f"    The results were produced from a different version of {' and '.join(stale)}; "
                    "run the suite again."]
    else:
        out.append(f"结果 Results: {outcome_label(None)} — no results.json given")
    out.append("")

    s = matrix.summary()
    out += ["## 概要 Summary", "", "| 项目 Item | 数量 Count |", "|---|---|",
            f"| 条款 Clauses (modelled / in the table of contents) | {s['clauses_modelled']} / {s['clauses']} |",
            f"| 义务 Obligations (shall / shall not) | {s['obligations']} ({s['mandatory']}) |",
            f"| 自动或混合验证 Automated or hybrid, with a scenario | {s['with_scenarios']} / {s['automated_or_hybrid']} |",
            f"| 文件审核或混合 Documentary or hybrid, with evidence criteria | {s['with_evidence_criteria']} / "
            f"{s['documentary_or_hybrid']} |",
            f"| 场景 Scenarios (feature files) | {s['scenarios']} ({s['feature_files']}) |",
            f"| 未登记的强制性缺口 Mandatory gaps not in known-gaps | {s['gaps_mandatory_unlisted']} |",
            f"| 已知缺口 Known gaps | {s['gaps_known']} |",
            f"| 推荐性义务缺口 Gaps in should / may obligations | {s['gaps_advisory']} |",
            f"| 场景问题 Scenario problems | {s['scenario_problems']} |"]
    if "outcomes" in s:
        out.append("| 结果 Outcomes | " + ", ".join(f"{outcome_label(None if k == 'not_run' else k)}: {n}"
                                               for k, n in sorted(s["outcomes"].items())) + " |")
    out.append("")

    for group, title, entries in matrix.groups:
        heading = f"## {group} {title.zh} {title.en}" if title else f"## {group}"
        out += [heading, "", "| 条款 Clause | 义务 Obligation | 强度 Strength | 主体 Actor | 验证 Verification "
                "| 场景 Scenarios | 结果 Outcome | 缺口 Gaps |", "|---|---|---|---|---|---|---|---|"]
        for entry in entries:
            if not entry.modelled:
                out.append(f"| {entry.id} | 未建模 not modelled yet | | | | | | |")
                continue
            for row in entry.rows:
                o = row.obligation
                oid = f"[{o.id}]({link(o.id)})" if link else o.id
                scenarios = "<br>".join(f"`{sc.location}`" for sc in row.scenarios) or "—"
                gaps = ", ".join(GAP_LABELS[g.kind] for g in row.gaps)
                if gaps:
                    gaps += " (known)" if row.known_reason else ("" if not o.mandatory else " **(unlisted)**")
                strength = label(STRENGTH, o.strength) + (" (推定 inferred)" if o.strength_inferred else "")
                out.append(f"| {entry.id} | {oid} | {strength} | {label(ACTOR, o.actor)} | "
                           f"{label(MODE, o.mode)} | {scenarios} | {outcome_label(row.outcome)} | {_cell(gaps) or '—'} |")
        out.append("")

    out += ["## 缺口 Gaps", ""]
    out += _gap_list("场景问题 Scenario problems (always fail `--check`)", [f"`{p.where}`: {_md(p.message)}"
                                                                         for p in matrix.problems])
    mandatory = [r for r in matrix.rows.values() if r.gaps and r.obligation.mandatory]
    out += _gap_list("强制性义务未登记的缺口 Gaps in shall / shall not obligations, not in known-gaps (fail `--check`)",
                     [_gap_item(r, link) for r in mandatory if r.known_reason is None])
    out += _gap_list("已知缺口 Known gaps", [f"{_gap_item(r, link)} — {_md(r.known_reason)}"
                                          for r in mandatory if r.known_reason is not None])
    out += _gap_list("需删除的已知缺口条目 Known-gaps entries to remove (fail `--check`)",
                     [f"`{matrix.known.file}:{line}`: {_md(message)}" for line, _, message in matrix.stale])
    out += _gap_list("推荐性义务的缺口 Gaps in should / should not / may obligations (never fail `--check`)",
                     [_gap_item(r, link) for r in matrix.rows.values() if r.gaps and not r.obligation.mandatory])
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    return re.sub(r"([*_`<>\[\]])", r"\\\1", text)


def _gap_item(row: Row, link) -> str:
    o = row.obligation
    oid = f"[{o.id}]({link(o.id)})" if link else o.id
    kinds = ", ".join(GAP_LABELS[g.kind] for g in row.gaps)
    return f"{oid} ({label(STRENGTH, o.strength)}, {label(MODE, o.mode)}): {kinds} — `{o.source}`"


def _gap_list(title: str, items: list[str]) -> list[str]:
    return [f"### {title}", "", *(f"- {i}" for i in items)] + (["无 None."] if not items else []) + [""]


def render_json(matrix: Matrix) -> str:
    r = matrix.results
    document = {
        "format": FORMAT,
        "standard": matrix.spec.standard.get("code"),
        "spec_digest": matrix.spec.digest,
        "features_digest": matrix.index.digest,
        "results": {"file": r.file, "profile": r.profile, "started_at": r.started_at,
                    "stale": matrix.results_stale()} if r else None,
        "known_gaps": matrix.known.file if matrix.known else None,
        "summary": matrix.summary(),
        "clauses": [{
            "id": e.id, "group": e.group, "title": vars(e.title) if e.title else None, "modelled": e.modelled,
            "obligations": [{
                "id": row.id, "statement": row.obligation.statement_id, "strength": row.obligation.strength,
                "strength_inferred": row.obligation.strength_inferred,
                "actor": row.obligation.actor, "co_actors": list(row.obligation.co_actors),
                "phase": row.obligation.phase, "verification": row.obligation.mode,
                "source": str(row.obligation.source),
                "scenarios": [{"name": s.name, "location": s.location, "outcome": matrix.scenario_outcome(s)}
                              for s in row.scenarios],
                "evidence": [e.id for e in row.obligation.evidence],
                "outcome": row.outcome, "gaps": [g.kind for g in row.gaps], "known_gap": row.known_reason,
            } for row in e.rows],
        } for e in matrix.clauses()],
        "gaps": [{"kind": g.kind, "obligation": g.obligation, "clause": g.clause, "mandatory": g.mandatory,
                  "where": g.where, "message": g.message,
                  "known_gap": matrix.rows[g.obligation].known_reason if g.obligation else None}
                 for g in matrix.obligation_gaps() + matrix.problems],
        "check": matrix.check(),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ("row", "clause", "obligation", "strength", "actor", "phase", "verification", "scenario_count",
               "scenarios", "outcome", "gaps", "known_gap")


def render_csv(matrix: Matrix) -> str:
    """One row per obligation ("obligation"), then one per scenario problem ("problem")."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for entry in matrix.clauses():
        for row in entry.rows:
            o = row.obligation
            writer.writerow({"row": "obligation", "clause": entry.id, "obligation": o.id, "strength": o.strength,
                             "actor": o.actor, "phase": o.phase, "verification": o.mode,
                             "scenario_count": len(row.scenarios),
                             "scenarios": " ".join(s.location for s in row.scenarios),
                             "outcome": row.outcome or "not_run", "gaps": " ".join(g.kind for g in row.gaps),
                             "known_gap": row.known_reason or ""})
    for p in matrix.problems:
        writer.writerow({"row": "problem", "scenarios": p.where, "gaps": p.kind, "known_gap": p.message})
    return out.getvalue()


RENDERERS = {"md": render_markdown, "json": render_json, "csv": render_csv}


# ---------------------------------------------------------------------------------------------------------
# Command line


def register(sub) -> None:
    p = sub.add_parser("trace", help="traceability matrix: clause → obligation → scenarios → outcome, and gaps",
                       description="Print the traceability matrix and its gaps; --check fails on gaps that "
                                   "spec/known-gaps.yaml does not list.")
    p.add_argument("--format", choices=sorted(RENDERERS), default=None,
                   help="output format (default md; with --check only the check is printed unless given)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="exit 1 on scenario problems, on unlisted gaps in shall/shall not obligations, "
                           "and on known-gaps entries that are no longer gaps")
    mode.add_argument("--write-known-gaps", action="store_true",
                      help="rewrite the known-gaps file from the current gaps (keeps existing reasons)")
    p.add_argument("--results", metavar="FILE", help="a results.json from `caaad run`: adds each outcome")
    p.add_argument("--known-gaps", metavar="FILE", help=f"known gaps (default: {KNOWN_GAPS_FILE} in the spec directory)")
    p.add_argument("--spec", metavar="DIR", help="spec directory (default: the kit's own)")
    p.add_argument("--features", metavar="DIR", help="features directory (default: the kit's own)")
    p.set_defaults(func=cmd_trace)


def _display(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def matrix_from_args(args) -> Matrix:
    from .paths import features_dir
    from .usage import UsageError, load_clean_spec, spec_path
    from .scenarios import index_features

    spec_root = spec_path(args.spec)
    features = Path(args.features) if args.features else features_dir()
    if not features.is_dir():
        raise UsageError(f"--features {features}: no such directory")
    try:  # the small inputs first: a typo in them should not wait for the spec to load
        results = load_results(Path(args.results), args.results) if args.results else None
        if args.known_gaps and (Path(args.known_gaps).exists() or not args.write_known_gaps):
            known = load_known_gaps(Path(args.known_gaps), args.known_gaps)
        elif args.known_gaps:
            known = None  # --write-known-gaps creates it
        else:
            default = spec_root / KNOWN_GAPS_FILE
            known = load_known_gaps(default, _display(default)) if default.is_file() else None
    except TraceInputError as e:
        raise UsageError(str(e)) from None
    spec = load_clean_spec(args.spec)
    index = index_features(features, spec.obligations)
    return build(spec, index, results, known)


def cmd_trace(args) -> int:
    from .usage import spec_path
    matrix = matrix_from_args(args)
    if args.write_known_gaps:
        target = Path(args.known_gaps) if args.known_gaps else spec_path(args.spec) / KNOWN_GAPS_FILE
        text, added, removed = known_gaps_text(matrix)
        target.write_text(text, encoding="utf-8")
        count = sum(bool(r.gaps) and r.obligation.mandatory for r in matrix.rows.values())
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
    print(f"trace check OK: {s['obligations']} obligations; {s['with_scenarios']} of {s['automated_or_hybrid']} "
          f"automated/hybrid have scenarios ({s['scenarios']} scenarios); {s['gaps_known']} known gap(s), "
          f"{s['gaps_advisory']} advisory", file=stream)
    return 0


if __name__ == "__main__":  # pragma: no cover
    from .cli import main
    sys.exit(main(["trace", *sys.argv[1:]]))
