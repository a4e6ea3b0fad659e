"""The traceability matrix clause → obligation → scenarios (file:line) → outcome, and its gaps.

One matrix for `caaad trace` (caaad/cli.py) and the website's matrix page (render.py renders both). Gaps:

- obligation gaps: an automated or hybrid obligation no scenario is tagged with; a documentary or hybrid
  obligation without an evidence item that states a pass criterion; given the reference system's rules and
  a kill matrix, an automated or hybrid obligation with a scenario that no rule declares (no_rule) or no
  broken variant fails (no_variant): the suite cannot show it catches a system that breaks it;
- scenario problems: a tag naming no obligation of the spec, a duplicate scenario name, a scenario without
  any @req: tag, a feature file that cannot be read.

`--check` fails (exit 1) on every scenario problem and on every gap in a shall / shall not obligation (and every
no_rule / no_variant gap, whatever the strength) that spec/known-gaps.yaml does not list, and on every entry of that file that is no longer a gap, so the list only
shrinks. `--write-known-gaps` rewrites the file from the current gaps, keeping the reasons already written.
"""

import json
from dataclasses import dataclass, field

from .. import outcomes
from ..model import Bilingual, Obligation, Spec
from ..scenarios import REQ_PREFIX, Scenario, ScenarioIndex
from .inputs import KNOWN_GAPS_FILE, KillMatrix, KnownGaps, RunResults


# Gap kinds.
NO_SCENARIO = "no_scenario"
NO_EVIDENCE = "no_evidence"
UNKNOWN_ID = "unknown_id"
DUPLICATE_NAME = "duplicate_name"
UNTAGGED = "untagged"
FEATURE_ERROR = "feature_error"
NO_RULE = "no_rule"
NO_VARIANT = "no_variant"
TEETH_GAPS = (NO_RULE, NO_VARIANT)  # about the kit's own checks, so they count whatever the obligation's strength
GAP_LABELS = {
    NO_SCENARIO: "无场景 no scenario",
    NO_EVIDENCE: "无证据准则 no evidence criterion",
    UNKNOWN_ID: "未知义务编号 unknown obligation id",
    DUPLICATE_NAME: "场景重名 duplicate scenario name",
    UNTAGGED: "无 @req 标签 untagged",
    FEATURE_ERROR: "功能文件无法读取 unreadable feature file",
    NO_RULE: "无参考规则 no reference rule",
    NO_VARIANT: "无失效变体 no killing variant",
}
CLAUSE_KINDS = ("principle", "requirement", "annex")


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

    @property
    def blocking(self) -> bool:
        """Fails `--check` unless known-gaps lists it."""
        return self.mandatory or self.kind in TEETH_GAPS


@dataclass(frozen=True)
class Row:
    obligation: Obligation
    scenarios: tuple[Scenario, ...]
    gaps: tuple[Gap, ...]
    outcome: str | None  # None: no results given, or this obligation is not in them
    reason: str = ""  # why, from results.json (e.g. "documentary: needs evidence")
    known_reason: str | None = None  # the known-gaps entry, if any
    rules: tuple[str, ...] = ()  # the reference system's rules (module:function) that declare this obligation
    killers: tuple[str, ...] = ()  # the broken variants that fail it (kill matrix)

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
    kills: KillMatrix | None = None  # with it, the rule and killing-variant columns and the teeth figure
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
            if gap.blocking and gap.obligation not in known:
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
            "gaps_mandatory_unlisted": len({g.obligation for g in gaps if g.blocking and g.obligation not in known}),
            "gaps_known": len({g.obligation for g in gaps if g.blocking and g.obligation in known}),
            "gaps_advisory": len({g.obligation for g in gaps if not g.blocking}),
            "known_gaps_stale": len(self.stale),
            "scenario_problems": len(self.problems),
        }
        if self.kills:
            with_scenarios = [r for r in executable if r.scenarios]
            out["with_rule"] = sum(bool(r.rules) for r in with_scenarios)
            out["with_killing_variant"] = sum(bool(r.killers) for r in with_scenarios)
            out["variants"] = len(self.kills.variants)
        if self.results:
            counts: dict[str, int] = {}
            for r in rows:
                key = r.outcome or "not_run"
                counts[key] = counts.get(key, 0) + 1
            out["outcomes"] = counts
        return out


def build(spec: Spec, index: ScenarioIndex, results: RunResults | None = None, known: KnownGaps | None = None,
          kills: KillMatrix | None = None, rules: dict[str, tuple[str, ...]] | None = None) -> Matrix:
    """rules: obligation id -> the reference system's rules declaring it (reference_impl.rules.rule_index());
    with kills, each executable obligation with a scenario needs one of each."""
    by_obligation = index.by_obligation()
    known_entries = known.entries if known else {}
    killers = kills.killers() if kills else {}
    rules = rules or {}
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
        if kills and o.executable and scenarios:
            if not rules.get(o.id):
                gaps.append(Gap(NO_RULE, str(o.source), f"{o.id} ({o.strength}, {o.mode}): no rule of the reference "
                                f"system declares @implements(\"{o.id}\") (reference_impl/rules/)", o.id, o.clause_id,
                                o.mandatory))
            if not killers.get(o.id):
                gaps.append(Gap(NO_VARIANT, str(o.source), f"{o.id} ({o.strength}, {o.mode}): no broken variant fails "
                                f"it in {kills.file} (tests/suite/mutants.py, test_mutants.EXPECTED)", o.id, o.clause_id,
                                o.mandatory))
        outcome, reason = None, ""
        if results and o.id in results.obligations:
            row = results.obligations[o.id]
            outcome = outcomes.NOT_APPLICABLE if row.get("in_scope") is False else row.get("outcome")
            reason = row.get("reason") or ""
        rows[o.id] = Row(o, scenarios, tuple(gaps), outcome, reason, known_entries.get(o.id), rules.get(o.id, ()),
                         killers.get(o.id, ()))

    matrix = Matrix(spec, index, _groups(spec, rows), rows, _scenario_problems(spec, index), results, known, kills)
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


def default_reason(row: Row) -> str:
    kinds = {g.kind for g in row.gaps}
    clause = row.obligation.clause_id
    parts = []
    if NO_SCENARIO in kinds:
        issue = "executable conformance beyond 5.4" if group_of(clause) != "5.4" else "executable conformance for 5.4"
        parts.append(f"scenarios for clause {clause} not written yet (issue: {issue})")
    if NO_EVIDENCE in kinds:
        parts.append(f"evidence criteria for clause {clause} not written yet")
    if NO_RULE in kinds:
        parts.append("no rule of the reference system declares it")
    if NO_VARIANT in kinds:
        parts.append("no broken variant of the reference system fails it")
    return "; ".join(parts)


KNOWN_GAPS_HEADER = """\
# Known gaps of the traceability matrix (`caaad trace`): shall / shall not obligations that are not yet
# verified the way their verification mode requires: an automated or hybrid obligation without a scenario,
# a documentary or hybrid one without an evidence criterion; and any automated or hybrid obligation with a
# scenario that no reference rule declares or no broken variant fails (spec/kill-matrix.yaml).
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
        if any(g.blocking for g in row.gaps):
            ids.append(row.id)
            lines.append(f"{json.dumps(row.id)}: {json.dumps(old.get(row.id) or default_reason(row), ensure_ascii=False)}")
    if not ids:
        lines.append("{}  # no known gaps")
    return "\n".join(lines) + "\n", [i for i in ids if i not in old], [i for i in old if i not in ids]
