"""reach.py: what a variant replaces, and what the reference system calls, name the same functions; what
cannot be placed makes the variant run every scenario."""

import io
import threading

import pytest

import mutants
import reach
from caaad.reference_impl.adapter import ReferenceAdapter
from caaad.reference_impl.returns import Returns
from caaad.reference_impl.rules import DEFAULT_RULES, freight, money, windows
from caaad.reference_impl.system import AfterSalesService


def key(function) -> str:
    return reach.code_key(function.__code__)


def test_a_swapped_rule_names_the_reference_rule():
    assert reach.replaced(mutants.WindowInUtc) == {key(windows.window_closes_at)}
    assert key(windows.window_closes_at) == "rules/windows.py:10:window_closes_at"


def test_an_overridden_operation_names_the_reference_operation_not_its_retry_wrapper():
    # Every state-changing operation is wrapped (adapter._recognising_retries): the key is the function inside.
    assert ReferenceAdapter.receive_return.__wrapped__
    assert reach.replaced(mutants.GiftMissingRefused) == {key(ReferenceAdapter.receive_return.__wrapped__)}


def test_a_swapped_part_names_the_methods_it_overrides():
    assert reach.replaced(mutants.BundleListPriceRefund) == {key(Returns.settle_return)}
    assert reach.replaced(mutants.IdempotencyKeyIgnored) == {key(AfterSalesService.once)}


def test_the_reference_replaces_nothing():
    assert reach.replaced(ReferenceAdapter) == frozenset()


def _adapter(service_class=None, rules=DEFAULT_RULES, **members):
    def __init__(self):
        ReferenceAdapter.__init__(self, service=service_class() if service_class else None, rules=rules)
    return type("Variant", (ReferenceAdapter,), {"__init__": __init__, **members})


def test_a_service_built_otherwise_names_its_constructor():
    class Rebuilt(AfterSalesService):
        def __init__(self):
            super().__init__()
    assert key(AfterSalesService.__init__) in reach.replaced(_adapter(Rebuilt))


def test_a_helper_of_the_variants_own_is_no_change():
    def helper(self):
        return None
    assert reach.replaced(_adapter(helper_of_mine=helper)) == frozenset()


@pytest.mark.parametrize("variant, why", [
    (mutants.RefundWithinAnHour, "declares other platform rules"),
    (_adapter(__getattr__=lambda self, name: None), "a special method the reference does not define"),
])
def test_what_is_not_a_function_of_the_reference_cannot_be_placed(variant, why):
    with pytest.raises(reach.Unplaced, match=why):
        reach.replaced(variant)


@pytest.mark.parametrize("part, why", [(None, "AfterSalesService.Returns is not a function"),
                                       (type("Other", (), {}), "Other is not a subclass of Returns")])
def test_a_part_swapped_for_what_is_not_a_subclass_cannot_be_placed(part, why):
    with pytest.raises(reach.Unplaced, match=why):
        reach.shadowed(type("WithAnotherPart", (AfterSalesService,), {"Returns": part}), AfterSalesService)


def test_an_attribute_added_by_the_constructor_cannot_be_placed():
    class Remembering(ReferenceAdapter):
        def __init__(self):
            super().__init__()
            self.seen = []
    with pytest.raises(reach.Unplaced, match="other attributes"):
        reach.replaced(Remembering)


def test_the_tracer_records_reference_functions_called_here_and_in_threads_started_meanwhile():
    tracer = reach.Tracer()
    with tracer.on():
        DEFAULT_RULES.window_closes_at  # an attribute read is no call
        worker = threading.Thread(target=lambda: DEFAULT_RULES.report_window_closes_at(
            ReferenceAdapter().service.now(), 48))
        worker.start()
        worker.join()
    called = tracer.keys()
    assert key(windows.report_window_closes_at) in called
    assert key(windows.window_closes_at) not in called
    assert all(not k.startswith("/") for k in called)  # only reference_impl/, relative
    tracer.clear()
    DEFAULT_RULES.window_closes_at(ReferenceAdapter().service.now(), 7)  # the tracer is off
    assert tracer.keys() == []


def test_the_traced_reference_answers_as_the_reference_and_records_only_what_it_runs():
    reach.TRACER.clear()
    traced, plain = reach.TracedReference(), ReferenceAdapter()
    assert key(AfterSalesService.__init__) in reach.TRACER.keys()  # built while traced
    reach.TRACER.clear()
    assert traced.describe({}) == plain.describe({})
    assert key(ReferenceAdapter.describe) in reach.TRACER.keys()
    assert key(ReferenceAdapter.receive_return.__wrapped__) not in reach.TRACER.keys()
    reach.TRACER.clear()
    plain.clock_now({})  # not the traced one
    assert reach.TRACER.keys() == []
    assert {n for n in dir(ReferenceAdapter) if not n.startswith("_")} <= set(dir(reach.TracedReference))


# Rules answering as the reference's: a swapped rule that gives every call of a scenario the reference's answer
# cannot change it; anything the replay cannot show alike counts as a change.
SIGNED = ReferenceAdapter().service.now()


def _recorded(*calls) -> reach.Answers:
    """The calls of the reference's rules that `calls` make, as one scenario "s" of a traced run."""
    tracer = reach.Tracer()
    with tracer.on():
        for call in calls:
            try:
                call()
            except AttributeError:  # a call made to raise
                pass
    return reach.Answers.of_run({"s": tracer.calls})


def _alike(answers: reach.Answers, **rules) -> bool:
    swap = reach.replacement(_adapter(rules=DEFAULT_RULES.replace(**rules)))
    assert swap.swapped_rules and not swap.methods
    same = answers.judge(swap)
    return all(same("s", k) for k in swap.swapped_rules)


def test_a_swapped_rule_answering_every_call_alike_cannot_change_the_scenario():
    answers = _recorded(lambda: DEFAULT_RULES.window_closes_at(SIGNED, 7))
    assert [c[0] for c in answers.calls] == [key(windows.window_closes_at)]
    assert _alike(answers, window_closes_at=lambda signed_at, days: windows.window_closes_at(signed_at, days))
    # wrong only for a promised 15 days: no call of this scenario asks for 15
    assert _alike(answers, window_closes_at=lambda signed_at, days: windows.window_closes_at(signed_at, 16 if days == 15 else days))
    assert not _alike(answers, window_closes_at=lambda signed_at, days: windows.window_closes_at(signed_at, days + 1))
    assert not _alike(answers, window_closes_at=lambda signed_at: signed_at)  # another signature fails the replay


def test_a_swapped_rule_that_changes_its_arguments_answers_otherwise():
    payments = [("card", 1000), ("points", 500)]
    answers = _recorded(lambda: DEFAULT_RULES.split_refund(600, payments))
    assert _alike(answers, split_refund=lambda amount_fen, payments: money.split_refund(amount_fen, payments))

    def tidies(amount_fen, payments):
        answer = money.split_refund(amount_fen, payments)
        payments.reverse()  # the same answer, but the caller's list is changed under it
        return answer
    assert not _alike(answers, split_refund=tidies)


def test_calls_that_cannot_be_replayed_count_as_answered_otherwise():
    promised = _recorded(lambda: DEFAULT_RULES.return_freight_promised(p for p in (True, False)))  # a generator
    raising = _recorded(lambda: DEFAULT_RULES.window_closes_at(None, 7))  # raises TypeError
    assert promised.calls[0][1] is None and raising.calls[0][1] is None
    assert not _alike(promised, return_freight_promised=lambda promised_per_product: freight.return_freight_promised(promised_per_product))
    assert not _alike(raising, window_closes_at=lambda signed_at, days: windows.window_closes_at(signed_at, days))


def test_the_systems_rules_in_a_recorded_call_are_the_variants_when_replayed():
    # assess_request takes the Rules and calls the variant's rules through it: replayed with the reference's, a
    # variant's other swapped rule would go unseen.
    theirs = DEFAULT_RULES.replace(window_closes_at=lambda signed_at, days: signed_at)
    pickled = reach._dumps([DEFAULT_RULES, 7], DEFAULT_RULES)
    replayed = reach._Unpickler(io.BytesIO(pickled), theirs).load()
    assert replayed[0] is theirs and replayed[1] == 7
    assert reach._dumps([theirs], DEFAULT_RULES) is None  # other Rules than the system's: not replayed


def test_a_rule_called_without_a_recorded_call_counts_as_changed():
    traced = {"s": {"called": [key(windows.window_closes_at)]}, "t": {"called": []}}
    answers = reach.Answers([], {"s": [], "t": []})
    assert reach.changeable("mutants:WindowInUtc", traced, answers) == {"s"}
