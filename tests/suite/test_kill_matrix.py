"""spec/kill-matrix.yaml (written from a run by bench/kill_matrix.py) says what test_mutants.EXPECTED pins.

test_mutants.py runs every variant and holds it to EXPECTED; this test holds the published kill matrix to
EXPECTED without running anything, so the file `caaad trace` and the website read cannot drift from the run."""

from caaad.matrix.inputs import KILL_MATRIX_FILE, load_kill_matrix
from caaad.paths import spec_dir

from test_mutants import EXPECTED

REGENERATE = "regenerate it: .venv/bin/python bench/kill_matrix.py"


def test_kill_matrix_lists_every_pinned_variant():
    kills = load_kill_matrix(spec_dir() / KILL_MATRIX_FILE)
    assert sorted(set(EXPECTED) - set(kills.variants)) == [], f"pinned variants missing from the kill matrix; {REGENERATE}"
    assert sorted(set(kills.variants) - set(EXPECTED)) == [], f"variants no longer pinned; {REGENERATE} (all)"


def test_kill_matrix_agrees_with_expected():
    kills = load_kill_matrix(spec_dir() / KILL_MATRIX_FILE)
    disagree = {name: {"kill matrix": sorted(failed), "EXPECTED": sorted(EXPECTED[name].failing)}
                for name, failed in kills.variants.items() if name in EXPECTED and set(failed) != EXPECTED[name].failing}
    assert not disagree, f"{REGENERATE} Variant ...: {disagree}"
