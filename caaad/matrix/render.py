"""The traceability matrix rendered: Markdown (the `caaad trace` default, the website's matrix page and the run
report's appendix), JSON and CSV."""

import csv
import io
import json
import re

from ..labels import ACTOR, MODE, STRENGTH, label, outcome_label
from .matrix import GAP_LABELS, Matrix, Row

FORMAT = 1


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
            out += ["", "!!! warning \"结果可能已过时 Results may be out of date\"",
                    f"    The results were produced from a different version of {' and '.join(stale)}; "
                    "run the suite again."]
    else:
        out.append(f"结果 Results: {outcome_label(None)} — no results.json given")
    if matrix.kills:
        k = matrix.kills
        out += ["", f"失效变体 Kill matrix: `{k.file}` ({len(k.variants)} broken variants of the reference system, "
                    f"run {k.generated_at}, kit {k.kit_version})"]
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
    if matrix.kills:
        out += [f"| 参考规则 Automated or hybrid with a scenario, with a reference rule | {s['with_rule']} / "
                f"{s['with_scenarios']} |",
                f"| **检出力 Teeth**: automated or hybrid with a scenario, failed by a broken variant | "
                f"**{s['with_killing_variant']} / {s['with_scenarios']} ({teeth_percent(s)})** |"]
    if "outcomes" in s:
        out.append("| 结果 Outcomes | " + ", ".join(f"{outcome_label(None if k == 'not_run' else k)}: {n}"
                                               for k, n in sorted(s["outcomes"].items())) + " |")
    out.append("")

    for group, title, entries in matrix.groups:
        heading = f"## {group} {title.zh} {title.en}" if title else f"## {group}"
        teeth = (" 参考规则 Reference rule | 失效变体 Killing variants |", "---|---|", " | |") if matrix.kills else ("", "", "")
        out += [heading, "", "| 条款 Clause | 义务 Obligation | 强度 Strength | 主体 Actor | 验证 Verification "
                f"| 场景 Scenarios | 结果 Outcome | 缺口 Gaps |{teeth[0]}", f"|---|---|---|---|---|---|---|---|{teeth[1]}"]
        for entry in entries:
            if not entry.modelled:
                out.append(f"| {entry.id} | 未建模 not modelled yet | | | | | | |{teeth[2]}")
                continue
            for row in entry.rows:
                o = row.obligation
                oid = f"[{o.id}]({link(o.id)})" if link else o.id
                scenarios = "<br>".join(f"`{sc.location}`" for sc in row.scenarios) or "—"
                gaps = ", ".join(GAP_LABELS[g.kind] for g in row.gaps)
                if gaps:
                    gaps += " (known)" if row.known_reason else ("" if not _blocking(row) else " **(unlisted)**")
                strength = label(STRENGTH, o.strength) + (" (推定 inferred)" if o.strength_inferred else "")
                out.append(f"| {entry.id} | {oid} | {strength} | {label(ACTOR, o.actor)} | "
                           f"{label(MODE, o.mode)} | {scenarios} | {outcome_label(row.outcome)} | {_cell(gaps) or '—'} |"
                           + (f" {_names(row.rules)} | {_names(row.killers)} |" if matrix.kills else ""))
        out.append("")

    out += ["## 缺口 Gaps", ""]
    out += _gap_list("场景问题 Scenario problems (always fail `--check`)", [f"`{p.where}`: {_md(p.message)}"
                                                                         for p in matrix.problems])
    blocking = [r for r in matrix.rows.values() if _blocking(r)]
    out += _gap_list("未登记的缺口 Gaps in shall / shall not obligations, and obligations without a reference rule or "
                     "a killing variant, not in known-gaps (fail `--check`)",
                     [_gap_item(r, link) for r in blocking if r.known_reason is None])
    out += _gap_list("已知缺口 Known gaps", [f"{_gap_item(r, link)} — {_md(r.known_reason)}"
                                          for r in blocking if r.known_reason is not None])
    out += _gap_list("需删除的已知缺口条目 Known-gaps entries to remove (fail `--check`)",
                     [f"`{matrix.known.file}:{line}`: {_md(message)}" for line, _, message in matrix.stale])
    out += _gap_list("推荐性义务的缺口 Gaps in should / should not / may obligations (never fail `--check`)",
                     [_gap_item(r, link) for r in matrix.rows.values() if r.gaps and not _blocking(r)])
    return "\n".join(out).rstrip() + "\n"


def teeth_percent(summary: dict) -> str:
    """The teeth figure as a percentage (with_killing_variant / with_scenarios), floored so 100% means all."""
    total = summary["with_scenarios"]
    return f"{100 * summary['with_killing_variant'] // total}%" if total else "—"


def _blocking(row: Row) -> bool:
    return any(g.blocking for g in row.gaps)


def _names(names: tuple[str, ...]) -> str:
    return "<br>".join(f"`{n}`" for n in names) or "—"


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
        "kill_matrix": {"file": matrix.kills.file, "generated_at": matrix.kills.generated_at,
                        "kit_version": matrix.kills.kit_version} if matrix.kills else None,
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
                "rules": list(row.rules), "killing_variants": list(row.killers),
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
               "scenarios", "outcome", "gaps", "known_gap", "rules", "killing_variants")


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
                             "known_gap": row.known_reason or "", "rules": " ".join(row.rules),
                             "killing_variants": " ".join(row.killers)})
    for p in matrix.problems:
        writer.writerow({"row": "problem", "scenarios": p.where, "gaps": p.kind, "known_gap": p.message})
    return out.getvalue()


RENDERERS = {"md": render_markdown, "json": render_json, "csv": render_csv}
