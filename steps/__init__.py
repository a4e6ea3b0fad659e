"""Step definitions of the conformance suite, in the vocabulary of T/CAAAD 001—2023 (see suite.py)."""

# The step modules, in the order pytest registers them (suite.py's pytest_plugins; caaad.cli.run_suite hands
# them to pytest already imported).
STEP_MODULES = [
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
