"""pytest-bdd's feature cache, filled from the kit's own parse of the feature files.

Before collection the kit parses every feature file for its scenario index (caaad.scenarios, which reports the
duplicate scenario names pytest-bdd would drop); pytest-bdd would parse each file again when steps/suite.py
calls scenarios(). Handed the Gherkin documents already parsed, it skips that second parse (about 30 ms a run).

This fills `pytest_bdd.feature.features`, keyed and built as pytest-bdd's `get_feature` builds its entries (a
FeatureParser, given the document instead of reading the file): private to pytest-bdd 9.0, whose range is
pinned in pyproject.toml. tests/kit/test_featurecache.py holds every entry equal to pytest-bdd's own parse.
"""

import os
from pathlib import PurePosixPath

from pytest_bdd import feature as _feature
from pytest_bdd.gherkin_parser import GherkinDocument
from pytest_bdd.parser import FeatureParser


class _Parsed(FeatureParser):
    """A FeatureParser that takes the file's Gherkin document instead of reading and parsing the file."""

    def __init__(self, path: str, document: dict):
        super().__init__(os.path.dirname(path), os.path.basename(path))
        self._document = document

    def _parse_feature_file(self) -> GherkinDocument:
        return GherkinDocument.from_dict(self._document)


def fill(features_dir, index) -> None:
    """pytest-bdd's entry for each file of `index` (caaad.scenarios.index_features of `features_dir`), under the
    path as scenarios(features_dir) finds the file (os.path.join, as its glob joins). An entry of an earlier
    session in the process is replaced: collection then runs the files as the index read them now."""
    for display, document in index.documents.items():
        path = os.path.join(str(features_dir), *PurePosixPath(display).parts[1:])  # display: features/<relative>
        _feature.features[os.path.abspath(path)] = _Parsed(path, document).parse()
