"""One home per rule: every automated or hybrid obligation with a scenario has a rule in reference_impl/rules
that declares it (@implements), and every id a rule declares is an obligation of the spec."""

from dataclasses import fields

import pytest

from caaad.paths import features_dir, spec_dir
from caaad.reference_impl.rules import DEFAULT_RULES, rule_index
from caaad.reference_impl.rules.obligations import implements, obligations_of
from caaad.scenarios import index_features
from caaad.specload import load_spec


@pytest.fixture(scope="module")
def spec():
    return load_spec(spec_dir()).spec


def test_every_executable_obligation_with_a_scenario_has_a_rule(spec):
    tagged = index_features(features_dir(), spec.obligations).by_obligation()
    executable = {o.id for o in spec.obligations.values() if o.executable and tagged.get(o.id)}
    missing = sorted(executable - rule_index().keys())
    assert not missing, f"no rule in reference_impl/rules declares @implements for {missing}"


def test_every_declared_obligation_exists(spec):
    unknown = {oid: names for oid, names in rule_index().items() if oid not in spec.obligations}
    assert not unknown, f"rules name obligation ids the spec does not have: {unknown}"


def test_every_rule_declares_what_it_implements():
    bare = [f.name for f in fields(DEFAULT_RULES) if not obligations_of(getattr(DEFAULT_RULES, f.name))]
    assert not bare, f"rules without @implements: {bare}"


def test_a_swapped_rule_takes_its_declaration_with_it():
    # A broken variant replaces a rule by a plain function: the index then has no rule for what it implemented.
    index = rule_index(DEFAULT_RULES.replace(negotiation_period=lambda prohibited, declared: declared))
    assert "5.4.4.b-2" not in index
    assert "5.4.4.b-1" in index  # still declared by intervention_open
    assert index["5.4.2.d-1"] == ("reference_impl.rules.return_items:returned_with_goods",)


def test_implements_needs_an_id_and_accumulates():
    with pytest.raises(ValueError):
        implements()
    rule = implements("5.4.1.a-3")(implements("5.4.2.b-1")(lambda: None))
    assert obligations_of(rule) == ("5.4.2.b-1", "5.4.1.a-3")
