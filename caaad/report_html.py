"""report.html: the run as one self-contained page (no network, opens from a file:// URL), built with Jinja2.

Everything that comes from the run — above all the system's own messages — is escaped by the template
engine (autoescape), and the page's Content-Security-Policy lets only the page's own script run (by its
sha256), so markup a system puts in an answer can neither run nor fetch anything.
"""

import base64
import hashlib
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import outcomes
from .labels import ACTOR, MODE, OUTCOME, STRENGTH, label
from .reportview import COLUMNS, clause_group, counts_by_group, failures, system_facts
from .results import verdict

# The filters: show only the rows and failure cards whose data-* attributes match every chosen value.
_SCRIPT = """
(function () {
  var selects = document.querySelectorAll("select[data-filter]");
  function apply() {
    var want = {};
    selects.forEach(function (s) { if (s.value) { want[s.dataset.filter] = s.value; } });
    document.querySelectorAll("[data-outcome]").forEach(function (el) {
      var show = true;
      for (var key in want) { if (el.dataset[key] !== want[key]) { show = false; } }
      el.hidden = !show;
    });
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
})();
"""


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def report_html(results: dict) -> str:
    from .plugin import spec as loaded_spec
    spec = loaded_spec()
    passed, verdict_line = verdict(results)
    rows = [{**r, "group": clause_group(r["clause"]), "strength_label": label(STRENGTH, r["strength"]),
             "actor_label": label(ACTOR, r["actor"]), "mode_label": label(MODE, r["verification"]),
             "outcome_label": label(OUTCOME, r["outcome"])} for r in results["obligations"] if r["in_scope"]]
    digest = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
    return _environment().get_template("report.html.j2").render(
        results=results, system=system_facts(results), passed=passed, verdict=verdict_line,
        failures=failures(results, spec), rows=rows, groups=counts_by_group(results), columns=COLUMNS,
        outcome_names={c: label(OUTCOME, c) for c in outcomes.SCENARIO_OUTCOMES},
        filters=(("outcome", "结果 Outcome", sorted({r["outcome"] for r in rows})),
                 ("group", "条款 Clause", [g for g, _ in counts_by_group(results)]),
                 ("actor", "主体 Actor", sorted({r["actor"] for r in rows})),
                 ("strength", "强度 Strength", sorted({r["strength"] for r in rows}))),
        labels={"outcome": OUTCOME, "actor": ACTOR, "strength": STRENGTH},
        clause_group=clause_group, script=Markup(_SCRIPT), script_hash=digest)
