"""The mutation scan's changes (tests/suite/mutation_scan.py): each one small edit of one node, each module still
valid Python, none the same as the original. The runs themselves are the scan's, by hand."""

import ast

from mutation_scan import mutants

SOURCE = '''\
def refundable(paid, days, excluded):
    if days <= 7 and not excluded:
        return paid + 0
    return False
'''


def test_each_mutant_is_one_change_of_one_node():
    found = sorted((m.line, m.mutation) for m in mutants("rules/example.py", SOURCE))
    assert found == sorted([
        (2, "LtE -> Lt"), (2, "and <-> or"), (2, "if negated"), (2, "not dropped"), (2, "7 -> 6"), (2, "7 -> 8"),
        (3, "+ <-> -"), (3, "0 -> -1"), (3, "0 -> 1"), (4, "False -> True")])


def test_mutants_are_valid_and_differ_from_the_original():
    original = ast.dump(ast.parse(SOURCE))
    for mutant in mutants("rules/example.py", SOURCE):
        assert ast.dump(ast.parse(mutant.source)) != original, mutant.mutation


def test_dropping_a_not_keeps_its_operand():
    (dropped,) = [m for m in mutants("rules/example.py", SOURCE) if m.mutation == "not dropped"]
    assert "if days <= 7 and excluded:" in dropped.source


def test_an_out_file_in_no_folder_is_refused_before_the_scan(monkeypatch, tmp_path):
    import mutation_scan
    monkeypatch.setattr("sys.argv", ["mutation_scan.py", "--out", str(tmp_path / "absent" / "scan.json"), "rules/windows.py"])
    assert mutation_scan.main() == f"mutation_scan: --out {tmp_path / 'absent' / 'scan.json'}: no folder {tmp_path / 'absent'}"
