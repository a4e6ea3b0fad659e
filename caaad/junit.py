"""junit.xml from results.json: the kit's own outcomes, not pytest's, for CI dashboards.

pytest's junitxml reports every exception in a test's call as <failure>, so a system that crashed
or answered outside the contract looked like one that broke the standard. Here each scenario is
written with the outcome the kit gave it (DESIGN.md "Outcomes"):

    failed → <failure>    error → <error>    not_tested, not_applicable → <skipped>    passed → nothing

One <testsuite> per feature file, which is one clause of the standard; each <testcase> carries its
obligation ids as properties, so a dashboard can group by obligation.
"""

import xml.etree.ElementTree as ET
from collections import defaultdict

from . import outcomes
from .results import scenario_title

_ELEMENT = {outcomes.FAILED: "failure", outcomes.ERROR: "error",
            outcomes.NOT_TESTED: "skipped", outcomes.NOT_APPLICABLE: "skipped"}


def junit_xml(results: dict) -> bytes:
    by_feature: dict[str, list[dict]] = defaultdict(list)
    for scenario in results["scenarios"]:
        by_feature[scenario["location"].rpartition(":")[0]].append(scenario)
    root = ET.Element("testsuites", name=f"{results['standard']} conformance")
    for attribute, value in _counts(results["scenarios"]).items():
        root.set(attribute, value)
    for path, scenarios in sorted(by_feature.items()):
        suite = ET.SubElement(root, "testsuite", name=path, timestamp=results["started_at"],
                              **_counts(scenarios))
        clause = path.removeprefix("features/").removesuffix(".feature")  # classname "5.4/5.4.1": group / clause
        for scenario in scenarios:
            case = ET.SubElement(suite, "testcase", classname=clause, name=scenario_title(scenario),
                                 file=scenario["location"], time=f"{scenario['duration_s']:.3f}")
            properties = ET.SubElement(case, "properties")
            for oid in scenario["obligations"]:
                ET.SubElement(properties, "property", name="obligation", value=oid)
            element = _ELEMENT.get(scenario["outcome"])
            if element:
                ET.SubElement(case, element, message=scenario["message"] or scenario["outcome"],
                              type=scenario["outcome"]).text = scenario["message"]
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _counts(scenarios: list[dict]) -> dict[str, str]:
    def count(*kinds):
        return str(sum(1 for s in scenarios if s["outcome"] in kinds))
    return {"tests": str(len(scenarios)), "failures": count(outcomes.FAILED), "errors": count(outcomes.ERROR),
            "skipped": count(outcomes.NOT_TESTED, outcomes.NOT_APPLICABLE),
            "time": f"{sum(s['duration_s'] for s in scenarios):.3f}"}
