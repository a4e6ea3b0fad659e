"""`caaad lint` on bad input: each test breaks the minimal spec (conftest.py) in one way and
checks the exit code and the exact finding, with file and line, that a spec author would read."""

import pytest

from minispec import O_A_1, S_A

C41 = "clauses/4.1.yaml"
C511 = "clauses/5.1.1.yaml"
STD = "standard.yaml"


def lint(caaad, mini, expect_code=1):
    code, out, err = caaad("lint", "--spec", mini.root)
    assert code == expect_code, (code, out, err)
    return out.splitlines(), err


def expect_findings(lines, err, *expected, count=None):
    """Every expected finding is one printed line; `count` pins the total number of findings."""
    for finding in expected:
        assert finding in lines, f"missing finding:\n  {finding}\nprinted:\n  " + "\n  ".join(lines)
    if count is not None:
        assert len(lines) == count, lines
        assert f"{count} finding(s)" in err


def test_minimal_spec_is_clean(caaad, mini):
    code, out, err = caaad("lint", "--spec", mini.root)
    assert code == 0, out + err
    assert out.startswith("spec OK: T/CAAAD 001—2023 — 2 clauses, 3 statements, 4 obligations "
                          "(1 automated, 1 hybrid, 2 documentary), 0 terms; digest sha256:"), out
    assert err == ""


def test_minimal_spec_in_a_directory_not_named_spec_is_clean(caaad, make_spec):
    mini = make_spec("my-spec")
    code, out, err = caaad("lint", "--spec", mini.root)
    assert code == 0, out + err


# --- schema -----------------------------------------------------------------------------------

def test_wrong_actor_enum_names_json_path_and_line(caaad, mini):
    mini.replace(C511, "        actor: live_room_operator\n        phase: pre_live\n        verification:\n"
                       "          mode: automated", "        actor: shop\n        phase: pre_live\n"
                       "        verification:\n          mode: automated")
    lines, err = lint(caaad, mini)
    line = mini.line(C511, "actor: shop")
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"spec/{C511}:{line}: $.statements[0].obligations[0].actor: 'shop' is not one of ["), lines


def test_missing_required_field(caaad, mini):
    mini.replace(C41, "        phase: cross_phase\n", "")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C41}:{mini.id_line(C41, '4.1-1')}: $.statements[0].obligations[0]: "
                                "'phase' is a required property", count=1)


def test_extra_property_in_closed_object(caaad, mini):
    mini.replace(C41, "        modal: 应\n", "        modal: 应\n        owner: platform\n")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C41}:{mini.id_line(C41, '4.1-1')}: $.statements[0].obligations[0]: "
                                "Additional properties are not allowed ('owner' was unexpected)", count=1)


def test_malformed_obligation_id(caaad, mini):
    mini.replace(C511, 'id: "5.1.1.a-2"', 'id: "5.1.1.a_2"')
    lines, err = lint(caaad, mini)
    line = mini.line(C511, '"5.1.1.a_2"')
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"spec/{C511}:{line}: $.statements[0].obligations[1].id: '5.1.1.a_2' does not match "), lines


def test_unquoted_id_is_a_number_not_text(caaad, mini):
    mini.replace(C41, 'id: "4.1"\nkind', "id: 4.1\nkind")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C41}:2: $.id: 4.1 is not of type 'string'", count=1)


def test_documentary_obligation_without_evidence(caaad, mini):
    mini.replace(C41, """          mode: documentary
          evidence:
            - id: E1
              examine: {zh: 直播内容审核制度, en: The live content review rules}
              criterion: {zh: 制度已发布并执行, en: The rules are published and applied}
""", "          mode: documentary\n")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C41}:{mini.line(C41, 'mode: documentary')}: "
                                "$.statements[0].obligations[0].verification: 'evidence' is a required property", count=1)


def test_plain_statement_without_classification_note(caaad, mini):
    mini.replace(C511, "        modal: 可\n", "        modal: null\n")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C511}:{mini.id_line(C511, '5.1.1.a-2')}: $.statements[0].obligations[1]: "
                                "'classification_note' is a required property", count=1)


def test_fingerprint_key_missing(caaad, mini):
    mini.set_line(C511, "  # accepted", None)
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C511}:{mini.id_line(C511, '5.1.1.a-2')}: $.statements[0].obligations[1]: "
                                "'fingerprint' is a required property", count=1)


# --- ids ----------------------------------------------------------------------------------------

def test_obligation_id_not_of_its_statement(caaad, mini):
    mini.replace(C511, 'id: "5.1.1.a-2"', 'id: "5.1.1.b-2"')
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C511}:{mini.id_line(C511, '5.1.1.b-2')}: obligation 5.1.1.b-2 does not "
                                "belong to statement 5.1.1.a (expected 5.1.1.a-N)", count=1)


def test_statement_not_of_its_clause(caaad, mini):
    mini.replace(C511, 'id: "5.1.1.b"', 'id: "5.1.2.b"')
    mini.replace(C511, 'id: "5.1.1.b-1"', 'id: "5.1.2.b-1"')
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C511}:{mini.id_line(C511, '5.1.2.b')}: statement 5.1.2.b does not belong "
                                "to clause 5.1.1", count=1)


def test_duplicate_obligation_id(caaad, mini):
    mini.replace(C511, 'id: "5.1.1.a-2"', 'id: "5.1.1.a-1"')
    lines, err = lint(caaad, mini)
    first, second = mini.line(C511, 'id: "5.1.1.a-1"'), mini.line(C511, 'id: "5.1.1.a-1"', 2)
    expect_findings(lines, err, f"spec/{C511}:{second}: duplicate id 5.1.1.a-1 (also at spec/{C511}:{first})", count=1)


def test_clause_file_name_not_matching_id(caaad, mini):
    mini.path(C41).rename(mini.path("clauses/4.2.yaml"))
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, "spec/clauses/4.2.yaml:1: clause 4.1 must live in 4.1.yaml", count=1)


# --- obligation text ----------------------------------------------------------------------------

def test_modal_verb_absent_from_text(caaad, mini):
    mini.replace(C511, "        modal: 应\n", "        modal: 应当\n")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C511}:{mini.id_line(C511, '5.1.1.a-1')}: 5.1.1.a-1: modal verb '应当' does "
                                "not appear in its Chinese text", count=1)


def test_modal_strength_mismatch(caaad, mini):
    mini.replace(C511, "        modal: 应\n        strength: shall\n", "        modal: 应\n        strength: should\n")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C511}:{mini.id_line(C511, '5.1.1.a-1')}: 5.1.1.a-1: modal verb '应' means "
                                "shall (GB/T 1.1), but strength is should", count=1)


def test_strength_inferred_where_a_gbt_verb_gives_the_strength(caaad, mini):
    mini.replace(C511, "        modal: 应\n        strength: shall\n",
                 "        modal: 应\n        strength: shall\n        strength_inferred: true\n"
                 "        classification_note: {zh: 本套件的解读, en: the kit's reading}\n")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C511}:{mini.id_line(C511, '5.1.1.a-1')}: 5.1.1.a-1: strength_inferred, but "
                                "the GB/T 1.1 verb '应' gives the strength: drop the flag", count=1)


def test_strength_inferred_needs_a_classification_note(caaad, mini):
    mini.replace(C511, "        modal: 应\n        strength: shall\n",
                 "        modal: 应\n        strength: shall\n        strength_inferred: true\n")
    lines, err = lint(caaad, mini)
    assert any("'classification_note' is a required property" in line for line in lines), lines


def test_informative_strength_outside_an_annex(caaad, mini):
    mini.replace(C511, "        modal: 应\n        strength: shall\n", "        modal: null\n        strength: informative\n"
                 "        classification_note: {zh: 资料性, en: informative}\n")
    mini.replace(C511, "          mode: automated", "          mode: none")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C511}:{mini.id_line(C511, '5.1.1.a-1')}: 5.1.1.a-1: strength informative in a "
                                "requirement clause (only the informative annex, and all of it, is informative)")


def test_verification_none_only_for_informative_text(caaad, mini):
    mini.replace(C511, "          mode: automated", "          mode: none")
    lines, err = lint(caaad, mini)
    assert any("$.statements[0].obligations[0].verification.mode" in line for line in lines), lines


def test_fragment_not_verbatim(caaad, mini):
    mini.replace(C511, f"zh: {O_A_1}\n", "zh: 应建立投诉处理规则，明确处理流程\n")
    lines, err = lint(caaad, mini)
    where = f"spec/{C511}:{mini.id_line(C511, '5.1.1.a-1')}"
    expect_findings(lines, err,
                    f"{where}: 5.1.1.a-1: text '应建立投诉处理规则，明确处理流程…' is not verbatim from statement 5.1.1.a",
                    f"{where}: 5.1.1.a-1: clause text changed since it was reviewed; review its obligations and "
                    "translation, then run: caaad spec accept 5.1.1.a-1", count=2)


def test_fragment_after_ellipsis_not_verbatim(caaad, mini):
    mini.replace(C511, "……在平台规定时限内响应消费者咨询\n", "……在七日内响应消费者咨询\n")
    lines, err = lint(caaad, mini)
    where = f"spec/{C511}:{mini.id_line(C511, '5.1.1.b-1')}"
    expect_findings(lines, err, f"{where}: 5.1.1.b-1: text '在七日内响应消费者咨询…' is not verbatim from statement 5.1.1.b")


# --- table of contents --------------------------------------------------------------------------

def test_toc_entry_without_clause_file(caaad, mini):
    mini.path(C41).unlink()
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{STD}:{mini.toc_line('4.1')}: clause 4.1 is in the table of contents "
                                "but has no file clauses/4.1.yaml", count=1)


def test_toc_line_found_in_a_directory_not_named_spec(caaad, make_spec):
    mini = make_spec("other")
    mini.path(C41).unlink()
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"other/{STD}:{mini.toc_line('4.1')}: clause 4.1 is in the table of contents "
                                "but has no file clauses/4.1.yaml", count=1)


def test_clause_file_not_in_toc(caaad, mini):
    mini.replace(STD, '  - {id: "4.1", kind: principle, title: {zh: 提升主流价值引领, en: Enhancing the guidance of '
                      'mainstream values}}\n', "")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C41}:1: clause 4.1 is not in the table of contents of standard.yaml", count=1)


def test_toc_items_differ_from_statements(caaad, mini):
    mini.replace(STD, "items: [a, b]", "items: [a, b, c]")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C511}:1: clause 5.1.1 items ['a', 'b'] differ from the table of contents "
                                "['a', 'b', 'c']", count=1)


def test_toc_kind_and_title_differ(caaad, mini):
    mini.replace(C41, "kind: principle", "kind: requirement")
    mini.replace(C41, "{zh: 提升主流价值引领,", "{zh: 提升价值引领,")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C41}:1: clause 4.1 is a requirement here but a principle in the table of contents",
                    f"spec/{C41}:1: clause 4.1 title '提升价值引领' differs from the table of contents '提升主流价值引领'",
                    count=2)


# --- fingerprints -------------------------------------------------------------------------------

def test_fingerprint_changed(caaad, mini):
    mini.replace(C511, f"zh: {S_A}\n", f"zh: {S_A[:-1]}。\n")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C511}:{mini.id_line(C511, '5.1.1.a')}: 5.1.1.a: clause text changed since "
                                "it was reviewed; review its obligations and translation, then run: caaad spec accept "
                                "5.1.1.a", count=1)


def test_rewrapping_text_does_not_change_fingerprint(caaad, mini):
    mini.replace(C511, f"zh: {S_A}\n", f"zh: >-\n        {S_A[:10]}\n        {S_A[10:]}\n")
    code, out, err = caaad("lint", "--spec", mini.root)
    assert code == 0, out + err


def test_fingerprint_null_not_yet_reviewed(caaad, mini):
    mini.set_line(C511, "  # accepted", "        fingerprint: null")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C511}:{mini.id_line(C511, '5.1.1.a-2')}: 5.1.1.a-2: text not yet reviewed "
                                "(no fingerprint); review it, then run: caaad spec accept 5.1.1.a-2", count=1)


def test_fingerprint_malformed(caaad, mini):
    mini.set_line(C41, "  # statement fingerprint", '    fingerprint: "md5:0123"')
    lines, err = lint(caaad, mini)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"spec/{C41}:{mini.line(C41, 'md5:0123')}: $.statements[0].fingerprint: 'md5:0123' "
                               "does not match "), lines


# --- laws ---------------------------------------------------------------------------------------

def test_unknown_law_abbreviation(caaad, mini):
    mini.replace(C511, '{law: ECL, article: "59"}', '{law: PIPL, article: "6"}')
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C511}:{mini.id_line(C511, '5.1.1.a-1')}: 5.1.1.a-1: law 'PIPL' is not listed "
                                "under laws in standard.yaml", count=1)


# --- YAML traps ---------------------------------------------------------------------------------

def test_unquoted_date(caaad, mini):
    mini.replace(STD, 'published: "2023-08-01"', "published: 2023-08-01")
    lines, err = lint(caaad, mini)
    line = mini.line(STD, "published:")
    expect_findings(lines, err, f'spec/{STD}:{line}: $.published: unquoted date 2023-08-01 would be read as a date, '
                                'not text; write "2023-08-01"')
    # standard.yaml is left out of the model; its toc and laws must not turn into findings on every clause
    assert all(f.startswith(f"spec/{STD}:{line}: ") for f in lines), lines


def test_unquoted_yes(caaad, mini):
    mini.replace(C511, "      translation_status: reviewed\n", "      translation_status: yes\n")
    lines, err = lint(caaad, mini)
    line = mini.line(C511, "translation_status: yes")
    expect_findings(lines, err, f'spec/{C511}:{line}: $.statements[1].text.translation_status: unquoted yes would be read '
                                'as a boolean; write "yes"')
    assert all(f.startswith(f"spec/{C511}:{line}: ") for f in lines), lines


def test_unquoted_no(caaad, mini):
    mini.replace(C41, "kind: principle\n", "kind: principle\nnotes: no\n")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f'spec/{C41}:4: $.notes: unquoted no would be read as a boolean; write "no"')


def test_tab_character(caaad, mini):
    mini.replace(C41, "        phase: cross_phase\n", "\tphase: cross_phase\n")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C41}:{mini.line(C41, 'phase: cross_phase')}: tab character; YAML indentation "
                                "must use spaces")


def test_tab_inside_a_comment_is_still_reported(caaad, mini):
    mini.replace(C41, "# 4.1 — a principle", "#\t4.1 — a principle")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C41}:1: tab character; YAML indentation must use spaces", count=1)


def test_byte_order_mark(caaad, mini):
    mini.path(C41).write_bytes(b"\xef\xbb\xbf" + mini.path(C41).read_bytes())
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C41}:1: file starts with a byte-order mark (BOM); save as UTF-8 without BOM", count=1)


def test_yaml_syntax_error_with_line(caaad, mini):
    mini.replace(C41, "kind: principle\n", "kind: principle: yes\n")
    lines, err = lint(caaad, mini)
    # PyYAML says "…not allowed here", libyaml "…not allowed in this context"
    assert len(lines) == 1 and "1 finding(s)" in err, lines
    assert lines[0].startswith(f"spec/{C41}:3: YAML syntax: mapping values are not allowed "), lines


def test_yaml_syntax_error_in_standard(caaad, mini):
    mini.replace(STD, "items: [a, b]}", "items: [a, b}")
    lines, err = lint(caaad, mini)
    line = mini.line(STD, "items: [a, b}")
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"spec/{STD}:{line}: YAML syntax: "), lines


def test_duplicate_yaml_key(caaad, mini):
    mini.replace(C41, "kind: principle\n", "kind: principle\nkind: requirement\n")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C41}:4: duplicate key 'kind' (first at line 3); YAML would keep only the last")


def test_not_utf8(caaad, mini):
    mini.path(C41).write_bytes(mini.read(C41).encode("gb18030"))
    lines, err = lint(caaad, mini)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"spec/{C41}: not UTF-8 ("), lines


def test_empty_clause_file(caaad, mini):
    mini.write(C41, "# nothing yet\n")
    lines, err = lint(caaad, mini)
    expect_findings(lines, err, f"spec/{C41}:1: file is empty", count=1)


# --- unusable arguments -------------------------------------------------------------------------

def test_spec_directory_does_not_exist(caaad, tmp_path):
    missing = tmp_path / "nowhere"
    code, out, err = caaad("lint", "--spec", missing)
    assert code == 2
    assert out == ""
    assert err == f"caaad: --spec {missing}: no such directory\n"


def test_directory_without_standard_yaml(caaad, mini):
    mini.path(STD).unlink()
    code, out, err = caaad("lint", "--spec", mini.root)
    assert code == 2
    assert out == ""
    assert err == f"caaad: --spec {mini.root}: not a spec directory (no standard.yaml)\n"


def test_directory_without_schema(caaad, mini):
    for schema in mini.path("schema").iterdir():
        schema.unlink()
    code, out, err = caaad("lint", "--spec", mini.root)
    assert code == 2
    assert err.startswith(f"caaad: --spec {mini.root}: no schema/clause.schema.json"), err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("argv", [["spec", "export", "--spec"], ["spec", "show", "4.1", "--spec"],
                                  ["spec", "accept", "4.1", "--spec"]])
def test_other_commands_refuse_a_missing_spec_directory(caaad, tmp_path, argv):
    code, out, err = caaad(*argv, tmp_path / "nowhere")
    assert code == 2
    assert err == f"caaad: --spec {tmp_path / 'nowhere'}: no such directory\n"
