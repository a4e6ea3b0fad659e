"""Intactness by category (7D Art 8, 9): opening to inspect never breaks it."""

import pytest

from caaad.reference_impl.rules.intactness import failed_checks, return_refusal

CASES = [
    ("food", ["seal_broken"], False), ("cosmetics", ["seal_broken"], False), ("medical", ["seal_broken"], False),
    ("food", ["package_opened"], True), ("cosmetics", ["package_opened", "reasonable_trial"], True),
    ("electronics", ["unauthorised_repair"], False), ("electronics", ["marks_damaged"], False),
    ("electronics", ["activated"], False), ("electronics", ["personal_data_left"], False),
    ("electronics", ["wear_marks"], False), ("electronics", ["package_opened", "reasonable_trial"], True),
    ("electronics", ["seal_broken"], True),            # an opened box is no seal test for electronics
    ("clothing", ["tags_removed"], False), ("shoes", ["soiled"], False), ("bags", ["damaged"], False),
    ("toys", ["tags_removed"], False), ("textiles", ["soiled"], False), ("household", ["damaged"], False),
    ("clothing", ["package_opened", "reasonable_trial"], True), ("clothing", ["activated"], True),
    ("books", ["accessories_missing"], False), ("other", [], True),
]


@pytest.mark.parametrize("category, observations, intact", CASES)
def test_intact_by_category(category, observations, intact):
    assert (failed_checks(category, observations) == []) is intact


def test_failed_checks_name_only_the_breaking_observations_once():
    assert failed_checks("food", ["package_opened", "seal_broken", "seal_broken", "damaged"]) == ["seal_broken", "damaged"]


def test_opening_to_inspect_is_intact_for_every_category():
    categories = {c for c, _, _ in CASES}
    assert all(failed_checks(c, ["package_opened", "reasonable_trial"]) == [] for c in categories)


@pytest.mark.parametrize("ground, intact_lines, refusal", [
    ("no_reason", 0, "not_intact"), ("no_reason", 1, None),
    ("quality_problem", 0, None), ("transit_damage", 0, None), ("prohibited_goods", 0, None)])
def test_only_no_reason_returns_depend_on_intactness(ground, intact_lines, refusal):
    assert return_refusal(ground, intact_lines) == refusal
