"""The conformance suite: every scenario of features/ bound to the step definitions of this package.

The fixtures `sut` (a caaad.contract.ContractClient over the adapter chosen with --adapter) and
`sut_description` (its describe() answer) come from the kit's pytest plugin, caaad.plugin.

Run: python -m pytest steps/suite.py   (installed: python -m pytest --pyargs caaad.steps.suite)
"""

from pytest_bdd import scenarios

from caaad.paths import features_dir

pytest_plugins = [
    "caaad.steps.common",
    "caaad.steps.orders",
    "caaad.steps.returns",
    "caaad.steps.disputes",
    "caaad.steps.service_goods",
    "caaad.steps.terms_and_promises",
    "caaad.steps.reviews",
    "caaad.steps.personal_data",
    "caaad.steps.consultations",
    "caaad.steps.repeats",
    "caaad.steps.discounts",
    "caaad.steps.serious_complaints",
    "caaad.steps.live_sessions",
    "caaad.steps.pre_live",
    "caaad.steps.post_sale",
]

# The same folder the kit indexes and checks (caaad.paths: the repository's features/ or the installed
# caaad/features; CAAAD_FEATURES_DIR for another set).
scenarios(str(features_dir()))
