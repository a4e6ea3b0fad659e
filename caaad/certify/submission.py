"""A vendor's submission: results.json read and checked against the acceptance rules (`caaad certify --check`).

Blocking problems make a certificate meaningless (another kit, spec or feature set, another profile, no
adapter declaration, a role the system does not declare, a results file whose roll-up does not follow from
its scenarios): `caaad certify` refuses to sign. The others (a scenario skipped for a missing capability,
an errored scenario, a filtered run) leave obligations open, so the verdict says incomplete; the acceptance
check still reports them, so a vendor fixes them before submitting.
"""

import json
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from .. import __version__, outcomes
from ..findings import Finding, json_path
from ..scenarios import ScenarioIndex

SCHEMA = Path(__file__).with_name("results.schema.json")
ROLES_OF_PROFILE = {"all": ("platform", "merchant", "live_room_operator", "anchor")}
PRECONDITION = "precondition not reachable"  # a not_tested reason that is not a missing capability


class InputError(Exception):
    """Input a certification command cannot use; carries one finding per problem (exit 2)."""

    def __init__(self, findings):
        super().__init__(str(findings[0]))
        self.findings = list(findings)


@dataclass(frozen=True)
class Problem:
    finding: Finding
    blocking: bool

    def __str__(self) -> str:
        return str(self.finding)


@lru_cache(maxsize=1)
def _validator():
    return Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")), format_checker=FormatChecker())


def load_results(path: Path, display: str) -> dict:
    try:
        results = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Finding(display, None, "$", "no such file")]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError([Finding(display, None, "$", f"cannot read: {e}")]) from None
    except json.JSONDecodeError as e:
        raise InputError([Finding(display, e.lineno, "$", f"not JSON: {e.msg}")]) from None
    errors = sorted(_validator().iter_errors(results), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise InputError([Finding(display, None, json_path(e.absolute_path), e.message)
                          for e in errors[:20]])
    return results


def run_outcomes(results: dict, spec, profile: str) -> dict[str, str]:
    """Each in-scope obligation's outcome, rolled up from the scenarios of the run (caaad/outcomes.py)."""
    per: dict[str, list[str]] = {}
    for s in results["scenarios"]:
        for oid in s["obligations"]:
            per.setdefault(oid, []).append(s["outcome"])
    return {o.id: outcomes.roll_up(per.get(o.id, [])) for o in spec.obligations.values() if outcomes.in_profile(o, profile)}


def acceptance(results: dict, display: str, spec, index: ScenarioIndex, profile: str) -> list[Problem]:
    problems: list[Problem] = []

    def add(path, message, blocking=True):
        problems.append(Problem(Finding(display, None, path, message), blocking))

    if results["kit"]["version"] != __version__:
        add("$.kit.version", f"made by caaad {results['kit']['version']}, this is caaad {__version__}: run the suite with this kit")
    if results["spec_digest"] != spec.digest:
        add("$.spec_digest", f"made with spec {results['spec_digest']}, this kit's spec is {spec.digest}")
    if results["features_digest"] != index.digest:
        add("$.features_digest", f"made with features {results['features_digest']}, this kit's features are {index.digest}")
    if results["profile"] != profile:
        add("$.profile", f"the run is for profile {results['profile']}, not {profile}: run with --profile {profile}")
    describe = results["adapter"]["describe"]
    if describe is None:
        add("$.adapter.describe", f"no adapter declaration: describe() failed ({results['adapter']['describe_error']})")
    else:
        declared = set(describe.get("roles") or ())
        missing = [r for r in ROLES_OF_PROFILE.get(profile, (profile,)) if r not in declared]
        if missing:
            add("$.adapter.describe.roles", f"profile {profile} needs the role(s) {', '.join(missing)}, but the system "
                f"declares {', '.join(sorted(declared)) or 'none'}")
    problems += _consistency(results, display, spec, results["profile"])  # the file against itself
    ran = {s["location"] for s in results["scenarios"]}
    for scenario in index.scenarios:
        if scenario.location not in ran:
            add("$.scenarios", f"the run lacks the scenario at {scenario.location} ({scenario.name}): "
                "a filtered run (-k/-m) cannot be certified", blocking=False)
    for i, s in enumerate(results["scenarios"]):
        if s["outcome"] == outcomes.ERROR:
            add(f"$.scenarios[{i}]", f"scenario errored at {s['location']} ({s['name']}): {s['message']}", blocking=False)
        elif s["outcome"] == outcomes.NOT_TESTED and not s["message"].removeprefix("not_tested: ").startswith(PRECONDITION):
            add(f"$.scenarios[{i}]", f"scenario skipped at {s['location']} ({s['name']}): {s['message']}", blocking=False)
    return problems


def junit_problems(raw: bytes, results: dict, display: str) -> list[Problem]:
    """junit.xml must be the same run as results.json. The kit writes it from results.json (caaad/junit.py),
    so it is compared scenario by scenario (location and outcome, for a message that says where they part),
    then byte for byte (anything else is an edit)."""
    from ..junit import junit_xml
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as e:
        return [Problem(Finding(display, e.position[0], "$", f"not JUnit XML: {e}"), True)]
    found: Counter = Counter()
    for case in root.iter("testcase"):
        verdicts = [child.get("type") for child in case if child.tag in ("failure", "error", "skipped")]
        found[(case.get("file"), verdicts[0] if verdicts else outcomes.PASSED)] += 1
    expected = Counter((s["location"], s["outcome"]) for s in results["scenarios"])
    missing, extra = expected - found, found - expected
    if missing:
        (location, outcome) = next(iter(missing))
        message = f"results.json has the scenario at {location} {outcome}, this file does not"
    elif extra:
        (location, outcome) = next(iter(extra))
        message = f"this file has the scenario at {location} {outcome}, results.json does not"
    elif raw != junit_xml(results):
        message = "it differs from the junit.xml the kit writes for results.json (edited?)"
    else:
        return []
    return [Problem(Finding(display, None, "$", f"not the run of results.json: {message}"), True)]


def _consistency(results: dict, display: str, spec, profile: str) -> list[Problem]:
    """The results' own roll-up must follow from its scenarios, row by row, or the file was edited."""
    rows = {r["id"]: (i, r) for i, r in enumerate(results["obligations"])}
    rolled = run_outcomes(results, spec, profile)
    out = []
    for o in spec.obligations.values():
        if o.id not in rows:
            out.append(Problem(Finding(display, None, "$.obligations", f"no row for obligation {o.id}"), True))
            continue
        i, row = rows[o.id]
        expected = rolled.get(o.id, outcomes.NOT_APPLICABLE)
        if row["in_scope"] != (o.id in rolled) or row["outcome"] != expected:
            out.append(Problem(Finding(display, None, f"$.obligations[{i}]", f"{o.id} is {row['outcome']} but its scenarios "
                                       f"roll up to {expected}: the file was edited or is broken"), True))
    return out
