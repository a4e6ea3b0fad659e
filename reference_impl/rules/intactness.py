"""Whether returned goods are intact (完好), by category (7D Art 8, 9; SPC Art 3)."""

from .obligations import implements

# Item, accessories and labels must be complete for any goods (7D Art 8).
_ANY_CATEGORY = {"accessories_missing", "damaged", "tags_removed"}
_BY_CATEGORY = {
    **dict.fromkeys(("food", "cosmetics", "medical"), {"seal_broken"}),
    "electronics": {"unauthorised_repair", "marks_damaged", "activated", "personal_data_left", "wear_marks"},
    **dict.fromkeys(("clothing", "shoes", "bags", "toys", "textiles", "household"), {"soiled"}),
}
# package_opened and reasonable_trial are in no set: opening to inspect never breaks intactness.


@implements("5.4.1.b-1")
def failed_checks(category: str, observations: list[str]) -> list[str]:
    """The observations that make goods of this category not intact (empty: intact), in input order."""
    breaking = _ANY_CATEGORY | _BY_CATEGORY.get(category, set())
    return [o for o in dict.fromkeys(observations) if o in breaking]


@implements("5.4.1.b-1", "5.4.2.d-2", "5.3.2.d-1", "5.4.4.d-2")
def return_refusal(ground: str, intact_lines: int) -> str | None:
    """Why a received return earns no refund at all, or None. Intactness is a condition of no-reason
    returns only; a missing gift is never a ground (5.4.2.d), it is charged instead."""
    if ground == "no_reason" and intact_lines == 0:
        return "not_intact"
    return None
