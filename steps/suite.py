"""The conformance suite: every scenario of features/ bound to the step definitions of this package.

The fixtures `sut` (a caaad.contract.ContractClient over the adapter chosen with --adapter) and
`sut_description` (its describe() answer) come from the kit's pytest plugin, caaad.plugin.

Run: python -m pytest steps/suite.py   (installed: python -m pytest --pyargs caaad.steps.suite)
"""

from pytest_bdd import scenarios

from caaad.paths import features_dir
from caaad.steps import STEP_MODULES

pytest_plugins = STEP_MODULES

# The same folder the kit indexes and checks (caaad.paths: the repository's features/ or the installed
# caaad/features; CAAAD_FEATURES_DIR for another set).
scenarios(str(features_dir()))
