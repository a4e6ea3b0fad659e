"""Read a YAML file into plain data plus the line of every value, and report YAML traps.

PyYAML silently keeps the last of two equal keys and turns unquoted dates and yes/no into
dates and booleans; a spec that means strings must say so, so each of these is a finding.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .findings import Finding, json_path

_BOM = b"\xef\xbb\xbf"
# libyaml parses the spec about ten times faster; the pure-Python loader is the fallback.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YES_NO = {"yes", "no", "on", "off", "y", "n"}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"


@dataclass
class YamlDocument:
    file: str
    data: object = None
    lines: dict = field(default_factory=dict)  # tuple path -> 1-based line
    findings: list = field(default_factory=list)

    def line_of(self, path) -> int | None:
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)

    def finding(self, path, message: str) -> Finding:
        return Finding(self.file, self.line_of(path), json_path(path), message)


def load(path: Path, display: str | None = None) -> YamlDocument:
    doc = YamlDocument(display or str(path))
    raw = path.read_bytes()
    if raw.startswith(_BOM):
        doc.findings.append(Finding(doc.file, 1, "$", "file starts with a byte-order mark (BOM); save as UTF-8 without BOM"))
        raw = raw[len(_BOM):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        doc.findings.append(Finding(doc.file, None, "$", f"not UTF-8 ({e.reason} at byte {e.start})"))
        return doc
    for number, line in enumerate(text.splitlines(), 1):
        if "\t" in line:
            doc.findings.append(Finding(doc.file, number, "$", "tab character; YAML indentation must use spaces"))
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            doc.findings.append(Finding(doc.file, 1, "$", "file is empty"))
            return doc
        _walk(node, (), doc)
        doc.data = loader.construct_document(node)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        doc.findings.append(Finding(doc.file, mark.line + 1 if mark else None, "$", f"YAML syntax: {problem}"))
        doc.data = None
    finally:
        loader.dispose()
    return doc


def _walk(node, path, doc: YamlDocument) -> None:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                doc.findings.append(Finding(doc.file, key_node.start_mark.line + 1, json_path(path),
                                            f"duplicate key '{key}' (first at line {seen[key]}); YAML would keep only the last"))
            seen[key] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), doc)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), doc)
    elif isinstance(node, yaml.ScalarNode) and not node.style:  # plain scalar: None in PyYAML, '' in libyaml
        if node.tag == _TIMESTAMP:
            doc.findings.append(Finding(doc.file, node.start_mark.line + 1, json_path(path),
                                        f"unquoted date {node.value} would be read as a date, not text; write \"{node.value}\""))
        elif node.tag == _BOOL and node.value.lower() in _YES_NO:
            doc.findings.append(Finding(doc.file, node.start_mark.line + 1, json_path(path),
                                        f"unquoted {node.value} would be read as a boolean; write \"{node.value}\""))
