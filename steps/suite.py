"""The conformance suite: every scenario of features/ bound to the step definitions of this package.

The fixtures `sut` (a caaad.contract.ContractClient over the adapter chosen with --adapter) and
`sut_description` (its describe() answer) come from the kit's pytest plugin, caaad.plugin.

Run: python -m pytest steps/suite.py   (installed: python -m pytest --pyargs caaad.steps.suite)
"""

from pathlib import Path

from pytest_bdd import scenarios

pytest_plugins = [
    "caaad.steps.common",
    "caaad.steps.orders",
    "caaad.steps.returns",
    "caaad.steps.disputes",
    "caaad.steps.services",
]

# Installed, features live at caaad/features next to caaad/steps; in the repository features/ is next to
# steps/. Both are "<parent of the steps directory>/features".
scenarios(str(Path(__file__).resolve().parent.parent / "features"))
