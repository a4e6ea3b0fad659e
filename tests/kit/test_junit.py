"""junit.xml is written from the kit's outcomes: each outcome maps to its own junit element."""

import xml.etree.ElementTree as ET

from caaad.junit import junit_xml


def scenario(outcome, location, name="场景", message="", oids=("5.4.1.a-1",), sid=None):
    return {"id": sid or f"steps/suite.py::test_{name}", "feature": "5.4.1 无理由退货", "name": name,
            "location": location, "obligations": list(oids), "outcome": outcome, "message": message,
            "duration_s": 0.5}


def test_each_outcome_has_its_element_and_counts_add_up():
    results = {"standard": "T/CAAAD 001—2023", "started_at": "2024-03-01T09:00:00+08:00", "scenarios": [
        scenario("passed", "features/5.4/5.4.1.feature:10", "a"),
        scenario("failed", "features/5.4/5.4.1.feature:20", "b", "refund 0 fen, expected 100 <script>"),
        scenario("error", "features/5.4/5.4.1.feature:30", "c", "AdapterFailure: operation x"),
        scenario("not_tested", "features/5.4/5.4.2.feature:5", "d", "not_tested: capability"),
        scenario("not_applicable", "features/5.4/5.4.2.feature:9", "e", "not_applicable: outside"),
    ]}
    root = ET.fromstring(junit_xml(results))
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("5", "1", "1", "2")
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"features/5.4/5.4.1.feature", "features/5.4/5.4.2.feature"}
    assert suites["features/5.4/5.4.1.feature"].get("errors") == "1"
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert [child.tag for child in cases["a"] if child.tag != "properties"] == []
    assert cases["b"].find("failure").get("message") == "refund 0 fen, expected 100 <script>"
    assert cases["c"].find("error") is not None and cases["c"].find("failure") is None
    assert cases["d"].find("skipped").get("message") == "not_tested: capability"
    assert [p.get("value") for p in cases["b"].iter("property")] == ["5.4.1.a-1"]
    assert cases["b"].get("classname") == "5.4/5.4.1" and cases["d"].get("classname") == "5.4/5.4.2"


def test_outline_examples_are_named_by_their_values():
    results = {"standard": "T", "started_at": "2024-03-01T09:00:00+08:00", "scenarios": [
        scenario("passed", "features/5.4/5.4.1.feature:10", "退款", sid="steps/suite.py::test_x[1000-\\u94f6\\u884c\\u5361]"),
        scenario("passed", "features/5.4/5.4.1.feature:10", "退款", sid="steps/suite.py::test_x[2000-\\u79ef\\u5206]"),
    ]}
    names = [c.get("name") for c in ET.fromstring(junit_xml(results)).iter("testcase")]
    assert names == ["退款 [1000-银行卡]", "退款 [2000-积分]"]
