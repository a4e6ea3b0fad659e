"""The scenario index: every Gherkin scenario in features/, with its obligation tags.

Parsed with the same Gherkin parser pytest-bdd uses, but kept as a list so that a second
scenario with the same name — which pytest-bdd would silently drop — is reported.
"""

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from gherkin.errors import CompositeParserException, ParserError
from gherkin.parser import Parser
from gherkin.token_matcher import TokenMatcher

from .findings import Finding

REQ_PREFIX = "@req:"
LANGUAGE_LINE = "# language: zh-CN"
# An amount in a step is quoted before 元 with two decimals ("129.00" 元), which the steps read in fen
# (caaad.steps.common.fen); the index reports a malformed one in one line, where pytest-bdd would find no step.
AMOUNT = re.compile(r"(0|[1-9][0-9]*)\.([0-9]{2})")
_QUOTED_BEFORE_YUAN = re.compile(r'"([^"]*)"\s*元')
_PLACEHOLDER = re.compile(r"<([^<>]+)>")


@dataclass(frozen=True)
class Scenario:
    feature: str  # feature title
    name: str
    file: str  # path relative to the features folder's parent, e.g. features/5.4/5.4.1.feature
    line: int
    obligation_ids: tuple[str, ...]
    steps: tuple[str, ...]  # keyword + text, for display
    outline: bool

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class ScenarioIndex:
    scenarios: tuple[Scenario, ...]
    findings: tuple[Finding, ...]
    digest: str
    # Each parsed file's Gherkin document (the parser's dict) by its displayed path, for pytest-bdd
    # (caaad.featurecache): the same files need not be parsed twice in a run.
    documents: Mapping[str, dict] = field(repr=False, compare=False)

    def by_obligation(self) -> dict[str, list[Scenario]]:
        out: dict[str, list[Scenario]] = {}
        for s in self.scenarios:
            for oid in s.obligation_ids:
                out.setdefault(oid, []).append(s)
        return out

    def find(self, file_name: str, name: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.name == name and Path(s.file).name == file_name), None)


def index_features(features_dir: Path, known_obligations=None) -> ScenarioIndex:
    """Parse every .feature file; findings for unparsable files, unknown ids and duplicate names.

    A run asks for the index several times (the CLI's check, the plugin's, results.json, report.md): the
    files are read each time, and parsed again only when their content or the known ids differ."""
    features_dir = Path(features_dir)
    files = tuple((f"features/{path.relative_to(features_dir).as_posix()}", path.read_bytes())
                  for path in sorted(features_dir.rglob("*.feature")))
    known = None if known_obligations is None else frozenset(known_obligations)
    return _index(str(features_dir), features_dir.is_dir(), files, known)


@lru_cache(maxsize=8)
def _index(features_dir: str, is_dir: bool, files: tuple[tuple[str, bytes], ...], known_obligations) -> ScenarioIndex:
    scenarios, findings, documents = [], [], {}
    digest = hashlib.sha256()
    names: dict[str, str] = {}
    if not files:
        what = "has no .feature files" if is_dir else "does not exist"
        findings.append(Finding(features_dir, None, "$", f"the features folder {what}"))
    for display, raw in files:
        digest.update(display.encode() + b"\0" + raw + b"\0")
        parsed = _parse(raw, display, findings)
        if parsed is None:
            continue
        documents[display] = parsed
        feature = parsed.get("feature") or {}
        findings.extend(_amount_findings(feature, display))
        for child in _scenarios_of(feature):
            tags = [t["name"] for t in child["tags"]]
            ids = tuple(t[len(REQ_PREFIX):] for t in tags if t.startswith(REQ_PREFIX))
            line = child["location"]["line"]
            scenario = Scenario(feature["name"], child["name"], display, line, ids,
                                tuple(f"{s['keyword'].strip()} {s['text']}" for s in child["steps"]),
                                bool(child["examples"]))
            scenarios.append(scenario)
            if child["name"] in names:
                findings.append(Finding(display, line, "$", f"duplicate scenario name '{child['name']}' "
                                        f"(also at {names[child['name']]}); pytest-bdd would silently run only one"))
            names[child["name"]] = scenario.location
            if not ids:
                findings.append(Finding(display, line, "$", f"scenario '{child['name']}' has no @req:<obligation id> tag"))
            for oid in ids:
                if known_obligations is not None and oid not in known_obligations:
                    findings.append(Finding(display, line, "$", f"scenario '{child['name']}' is tagged @req:{oid}, "
                                            "which is not an obligation id in the spec"))
    return ScenarioIndex(tuple(scenarios), tuple(findings), "sha256:" + digest.hexdigest(), MappingProxyType(documents))


def _parse(raw: bytes, display: str, findings: list):
    if raw.startswith(b"\xef\xbb\xbf"):
        findings.append(Finding(display, 1, "$", "file starts with a byte-order mark (BOM); save as UTF-8 without BOM"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        findings.append(Finding(display, line, "$", f"not UTF-8: byte 0x{raw[e.start]:02x} cannot be decoded; save as UTF-8"))
        return None
    if not text.startswith(LANGUAGE_LINE):
        findings.append(Finding(display, 1, "$", f"first line must be '{LANGUAGE_LINE}'"))
        return None
    try:
        return Parser().parse(text, TokenMatcher())
    except (CompositeParserException, ParserError) as e:
        first = str(e).strip().splitlines()[-1] if not hasattr(e, "errors") else str(e.errors[0])
        findings.append(Finding(display, None, "$", f"Gherkin: {first} (keywords need an ASCII colon, e.g. '功能:')"))
        return None


def _amount_findings(node, display: str) -> list[Finding]:
    """Every amount in the steps of a feature (scenarios, outlines' example values, backgrounds) that is not written
    as AMOUNT says, once per place."""
    found: dict[tuple, Finding] = {}
    for child in node.get("children", ()):
        if "rule" in child:
            found.update({(f.line, f.message): f for f in _amount_findings(child["rule"], display)})
            continue
        part = child.get("scenario") or child.get("background") or {}
        columns: dict[str, list] = {}  # an outline's placeholder: its values and their lines
        for table in part.get("examples", ()):
            header = [cell["value"] for cell in (table.get("tableHeader") or {}).get("cells", ())]
            for row in table.get("tableBody", ()):
                for name, cell in zip(header, row["cells"]):
                    columns.setdefault(name, []).append((cell["value"], cell["location"]["line"]))
        for step in part.get("steps", ()):
            for value in _QUOTED_BEFORE_YUAN.findall(step["text"]):
                placeholder = _PLACEHOLDER.fullmatch(value)
                for amount, line in columns.get(placeholder[1], ()) if placeholder else [(value, step["location"]["line"])]:
                    if not AMOUNT.fullmatch(amount):
                        message = f'amount "{amount}" 元: write it with two decimals, e.g. "129.00"'
                        found[line, message] = Finding(display, line, "$", message)
    return list(found.values())


def _scenarios_of(node):
    for child in node.get("children", ()):
        if "scenario" in child:
            yield child["scenario"]
        elif "rule" in child:
            yield from _scenarios_of(child["rule"])
