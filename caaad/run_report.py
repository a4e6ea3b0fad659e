"""What `caaad run` tells people: report.md (verdict, system, failing obligations, the matrix) and the console
summary. The command itself is in cli.py."""

from collections import Counter, defaultdict
from pathlib import Path

from . import outcomes
from .results import FAILING, scenario_title, verdict

MAX_LISTED = 40  # failing scenarios listed on the console; all of them are in results.json


def report_markdown(results: dict, results_path: Path) -> str:
    """The run for people: the system, its profile and the verdict first, then each failing obligation with
    its scenarios, the declared platform rules, and the traceability matrix with this run's outcomes last."""
    from .paths import features_dir, spec_dir
    from .plugin import spec as loaded_spec
    from .reportview import failures, system_facts
    from .scenarios import index_features
    from .matrix.inputs import KNOWN_GAPS_FILE, load_known_gaps, load_results
    from .matrix.matrix import build
    from .matrix.render import render_markdown
    spec = loaded_spec()  # the plugin loaded it for this run already (cached)
    system = system_facts(results)
    _, line = verdict(results)
    obl = results["summary"]["obligations"]
    lines = [f"# 一致性测试报告 Conformance run — {system['name']} {system['version']}".rstrip(), "",
             f"**{line}**", "",
             f"- 被测系统 System: {system['name']} {system['version']} (adapter `{system['adapter']}`, "
             f"contract {system['contract']})",
             f"- 认证角色 Profile: `{results['profile']}`",
             "- 范围内义务 Obligations in scope: " + ", ".join(f"{obl.get(c, 0)} {c}" for c in outcomes.SCENARIO_OUTCOMES[:4]),
             f"- 运行 Run: {results['started_at']} – {results['finished_at']}, kit {results['kit']['version']}, "
             f"spec `{results['spec_digest'][:19]}…`"]
    if system["describe_error"]:
        lines.append(f"- describe() failed: {system['describe_error']}")
    lines += ["", "## 未通过的义务 Failing obligations", ""]
    found = failures(results, spec)
    for f in found:
        lines += [f"### {f.row['id']} — {f.row['outcome']} ({f.strength}, {f.actor})", "",
                  f"> {f.text_zh}", ">", f"> {f.text_en}", ""]
        for s in f.scenarios:
            step = s["failed_step"]
            lines.append(f"- **{s['outcome']}** `{s['location']}` {s['title']}"
                         + (f" — step line {step['line']}: {step['keyword']} {step['text']}" if step else ""))
            lines.append(f"  - {s['message']}")
        lines.append("")
    if not found:  # a failing scenario always fails an obligation in scope (outcomes.roll_up)
        lines += ["None.", ""]
    lines += ["## 声明的平台规则 Declared platform rules", ""]
    lines += [f"- `{r['name']}`: {r['value']} {r['unit']}, on expiry {r['on_expiry']}"
              for r in system["platform_rules"]] or ["None declared."]
    known_path = spec_dir() / KNOWN_GAPS_FILE
    known = load_known_gaps(known_path) if known_path.is_file() else None
    matrix = build(spec, index_features(features_dir(), spec.obligations), load_results(results_path), known)
    # the matrix one heading level down, under this report's title
    lines += ["", *("#" + l if l.startswith("#") else l for l in render_markdown(matrix).rstrip().splitlines())]
    return "\n".join(lines) + "\n"


def summary(results: dict, every_failure: bool = False) -> str:
    """Obligations in scope by clause and outcome (the same count as the totals), the failures, the verdict."""
    from .reportview import COLUMNS, clause_key, system_facts
    per_clause: dict[str, Counter] = defaultdict(Counter)
    for row in results["obligations"]:
        if row["in_scope"]:
            per_clause[row["clause"]][row["outcome"]] += 1
    documentary = sum(1 for r in results["obligations"] if r["in_scope"] and r["outcome"] == outcomes.NOT_TESTED
                      and r["verification"] == "documentary")
    lines = ["", "obligations in scope, by clause:", f"{'clause':<10}" + "".join(f"{c:>12}" for c in COLUMNS)]
    for clause, counts in sorted(per_clause.items(), key=lambda kv: clause_key(kv[0])):
        lines.append(f"{clause:<10}" + "".join(f"{counts[c]:>12}" for c in COLUMNS))
    total = Counter(r["outcome"] for r in results["obligations"] if r["in_scope"])
    lines.append(f"{'total':<10}" + "".join(f"{total[c]:>12}" for c in COLUMNS))
    lines.append(f"({documentary} of the not_tested are documentary obligations, which await evidence)")
    problems = [s for s in results["scenarios"] if s["outcome"] in FAILING]
    listed = problems if every_failure else problems[:MAX_LISTED]
    if problems:
        lines += ["", "failed and errored scenarios:"]
        lines += [f"  {s['outcome'].upper():<7} {s['location']} {scenario_title(s)} [{', '.join(s['obligations'])}]: "
                  f"{s['message']}" for s in listed]
        if len(problems) > len(listed):
            lines.append(f"  … and {len(problems) - len(listed)} more in report.md and results.json (all: --verbose)")
    scen = results["summary"]["scenarios"]
    system = system_facts(results)
    lines += ["", f"system: {system['name']}   profile: {results['profile']}",
              "scenarios: " + ", ".join(f"{scen.get(c, 0)} {c}" for c in outcomes.SCENARIO_OUTCOMES)]
    if system["describe_error"]:
        lines.append(f"describe() failed: {system['describe_error']}")
    lines.append(verdict(results)[1])
    return "\n".join(lines)
