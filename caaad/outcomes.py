"""Outcomes of scenarios and how they roll up to obligations (docs/auditors/outcomes.md explains them to auditors)."""

from .certify.rules import load_rules

PASSED, FAILED, ERROR, NOT_TESTED, NOT_APPLICABLE = "passed", "failed", "error", "not_tested", "not_applicable"
SCENARIO_OUTCOMES = (PASSED, FAILED, ERROR, NOT_TESTED, NOT_APPLICABLE)

# Roles a vendor can certify for, and the actors of the standard each is answerable for.
PROFILES = {
    "all": None,
    "platform": {"platform"},
    "merchant": {"merchant"},
    "live_room_operator": {"live_room_operator", "operator_after_sales_staff"},
    "anchor": {"anchor_marketing_staff", "service_organisation"},
}
# Obligations every profile answers for: duties of all parties, and consumers' rights, which
# whoever runs the after-sales process must honour.
SHARED_ACTORS = {"all_parties", "consumer"}


def in_profile(obligation, profile: str) -> bool:
    if load_rules().states_no_requirement(obligation.strength):  # informative Annex A: nobody answers for it
        return False
    actors = PROFILES[profile]
    if actors is None or obligation.actor in SHARED_ACTORS:
        return True
    return bool(actors & ({obligation.actor} | set(obligation.co_actors)))


def roll_up(outcomes: list[str]) -> str:
    """One obligation's outcome from its scenarios' outcomes.

    A single failure fails the obligation; an error means it could not be judged; it passes only
    when every scenario in scope ran and passed, so a partly untested obligation is not_tested.
    """
    relevant = [o for o in outcomes if o != NOT_APPLICABLE]
    if not relevant:
        return NOT_APPLICABLE if outcomes else NOT_TESTED
    for verdict in (FAILED, ERROR, NOT_TESTED):
        if verdict in relevant:
            return verdict
    return PASSED
