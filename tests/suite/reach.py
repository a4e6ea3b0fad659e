"""Which scenarios a broken variant can change: only those in which the reference system runs a function
the variant replaces.

A variant is the reference system with some functions swapped: a rule of `Rules`, an adapter operation, a
method of the service or of one of its parts. It runs the same code as the reference until the first call of
a swapped function; a scenario in which the reference never calls one runs the same in the variant, step by
step, and ends the same (the suite is deterministic: a simulated clock, a fresh system per scenario). So the
variant need not run it: its outcome is the reference's. This is how mutation testing tools pick the tests
that cover a mutant.

- `replaced(cls)` reads what a variant swaps, from its classes and from the instance its constructor builds
  (the rules, the platform rules and the service it passes to ReferenceAdapter). What it cannot place (a
  changed constant, a new special method, an extra attribute) makes it raise Unplaced: the variant then
  runs every scenario.
- `TracedReference` is the reference system with a `Tracer` on while it runs: per scenario of the reference
  run, the functions of reference_impl it called, and each call of a rule of `Rules` with its arguments and
  answer (`Answers`).
- A rule is a pure function (reference_impl/rules: no I/O, no clock, no storage). A variant whose swapped rule
  gives, for every call the reference made in a scenario, the same answer (and leaves the arguments as the
  reference's rule did) runs that scenario as the reference does up to the next swapped call, and by the same
  argument to its end: so a variant also need not run a scenario in which its rules answer as the reference's.
  Arguments and answers are compared as pickles (a conservative equality: equal pickles, equal values); any call
  that cannot be replayed (unpicklable arguments, an exception, a generator) counts as a different answer.

A variant that changed the reference in a way neither sees (patching a module at import, say) would be
judged on the reference's outcomes: test_mutants.py holds the selected runs of one variant of each kind to
those of a full run, and bench/check_identical.py holds all of them so.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import io
import pickle
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import caaad.reference_impl as reference_impl
from caaad.reference_impl.adapter import ReferenceAdapter
from caaad.reference_impl.rules import DEFAULT_RULES, Rules

ROOT = Path(reference_impl.__file__).resolve().parent
# What Python itself puts in a class's namespace: no behaviour of the variant's.
_BOOKKEEPING = {"__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__firstlineno__",
                "__static_attributes__", "__annotations__"}


_MISSING = object()


class Unplaced(Exception):
    """The variant changes something other than functions of the reference system."""


def code_key(code) -> str | None:
    """A function's code, named the same in every process: file under reference_impl/, line, qualified name."""
    path = Path(code.co_filename)
    if not path.is_relative_to(ROOT):
        return None
    return f"{path.relative_to(ROOT).as_posix()}:{code.co_firstlineno}:{code.co_qualname}"


def _keys(attribute, where: str) -> set[str]:
    """The reference functions a class attribute runs when it is used."""
    if isinstance(attribute, (staticmethod, classmethod)):
        attribute = attribute.__func__
    functions = [f for f in (attribute.fget, attribute.fset, attribute.fdel) if f] if isinstance(attribute, property) \
        else [inspect.unwrap(attribute)] if inspect.isfunction(attribute) else None
    if functions is None:
        raise Unplaced(f"{where} is not a function of the reference system")
    keys = {code_key(f.__code__) for f in functions}
    if None in keys:
        raise Unplaced(f"{where} runs code outside reference_impl/, which the tracer does not see")
    return keys


def shadowed(variant: type, reference: type, *, init_on_instance: bool = False) -> set[str]:
    """The reference functions replaced by what the classes between `variant` and `reference` define."""
    if not issubclass(variant, reference):
        raise Unplaced(f"{variant.__qualname__} is not a subclass of {reference.__qualname__}")
    keys: set[str] = set()
    for klass in variant.__mro__:
        if klass in reference.__mro__:
            continue
        for name, value in vars(klass).items():
            if name in _BOOKKEEPING or (init_on_instance and name == "__init__"):
                continue
            where = f"{klass.__qualname__}.{name}"
            mine = inspect.getattr_static(reference, name, _MISSING)
            if mine is _MISSING:
                if name.startswith("__"):  # Python calls special methods unasked
                    raise Unplaced(f"{where}: a special method the reference does not define")
                continue  # a helper of the variant's own: only its replacing code can call it
            if isinstance(mine, type) and isinstance(value, type):  # a part of the service swapped
                keys |= shadowed(value, mine)
            else:
                keys |= _keys(mine, f"{reference.__qualname__}.{name}")
    return keys


@dataclasses.dataclass(frozen=True)
class Replacement:
    """What a variant swaps: reference functions by code_key, and which of them are rules of `Rules` swapped for
    which function of its own (`rules` is the variant's Rules, which it passes to the rules that take one)."""

    methods: frozenset[str]
    swapped_rules: dict[str, tuple[Callable, ...]]
    rules: Rules

    @property
    def keys(self) -> frozenset[str]:
        return self.methods | set(self.swapped_rules)


def replaced(variant: type) -> frozenset[str]:
    """Every reference function `variant` (a ReferenceAdapter subclass) replaces, as code_key names."""
    return replacement(variant).keys


def replacement(variant: type) -> Replacement:
    """What `variant` (a ReferenceAdapter subclass) replaces; Unplaced when that cannot be said."""
    keys = shadowed(variant, ReferenceAdapter, init_on_instance=True)
    if variant is ReferenceAdapter:
        return Replacement(frozenset(), {}, DEFAULT_RULES)
    mine, theirs = ReferenceAdapter(), variant()
    if set(vars(theirs)) != set(vars(mine)):
        raise Unplaced(f"{variant.__qualname__} keeps other attributes than the reference adapter")
    service, their_service = mine.service, theirs.service
    if type(their_service) is not type(service):
        keys |= shadowed(type(their_service), type(service))
    if set(vars(their_service)) != set(vars(service)):
        raise Unplaced(f"{variant.__qualname__}'s service keeps other attributes than the reference service")
    if their_service.platform_rules != service.platform_rules:
        raise Unplaced(f"{variant.__qualname__} declares other platform rules")
    swapped: dict[str, tuple[Callable, ...]] = {}
    for field in dataclasses.fields(service.rules):
        rule, theirs_rule = getattr(service.rules, field.name), getattr(their_service.rules, field.name)
        if theirs_rule is not rule:
            for key in _keys(rule, f"Rules.{field.name}"):
                swapped[key] = (*swapped.get(key, ()), theirs_rule)
    # A rule that is also a replaced method (none is) would be judged by its calls alone: left to `methods`.
    return Replacement(frozenset(keys), {k: v for k, v in swapped.items() if k not in keys}, their_service.rules)


def changeable(adapter: str, traced: dict[str, dict], answers: Answers | None = None) -> set[str]:
    """The scenarios (of a traced reference run: node id → {"called": keys}) that the system MODULE:CLASS can
    change: those in which the reference calls a method it replaces, or a rule it swaps for one that answers a
    call of that scenario otherwise (every call, without the traced run's `answers`); all of them when what it
    replaces cannot be placed."""
    module, _, name = adapter.partition(":")
    try:
        swap = replacement(getattr(importlib.import_module(module), name))
    except Unplaced:
        return set(traced)
    same = answers.judge(swap) if answers is not None else lambda scenario, key: False
    return {scenario for scenario, run in traced.items()
            if swap.methods & set(run["called"])
            or any(not same(scenario, key) for key in swap.swapped_rules.keys() & set(run["called"]))}


class _Pickler(pickle.Pickler):
    """Pickles values, not objects: without a memo (`fast`), two equal values of the same types give the same
    bytes whichever objects they share (a replayed answer's time zone is another object than the recorded one's).
    The system's own Rules is pickled as a reference, so that a replayed call gets the variant's in its place
    (the rules that take the Rules, e.g. assess_request, call the variant's rules through it)."""

    def __init__(self, file, rules: Rules):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.fast = True  # no memo; a value that contains itself cannot be pickled, and is then never equal
        self.rules = rules

    def persistent_id(self, obj):
        if isinstance(obj, Rules) and obj is not self.rules:  # Rules derived from the system's: what would the
            raise pickle.PicklingError("another Rules")   # variant's be? Not replayed, so never alike.
        return "rules" if obj is self.rules else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, rules: Rules):
        super().__init__(file)
        self.rules = rules

    def persistent_load(self, pid):
        return self.rules


def _dumps(value, rules: Rules) -> bytes | None:
    """The pickle of `value`, or None when it has none (a lambda, an open connection): then it is never equal."""
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, rules).dump(value)
    except Exception:  # noqa: BLE001 — whatever pickle refuses
        return None
    return buffer.getvalue()


def _parameters(code) -> tuple[str, ...]:
    """A function's parameter names in CPython's order: positional, keyword-only, *args, **kwargs."""
    count = code.co_argcount + code.co_kwonlyargcount
    count += bool(code.co_flags & inspect.CO_VARARGS) + bool(code.co_flags & inspect.CO_VARKEYWORDS)
    return code.co_varnames[:count]


def _replay(function: Callable, code, arguments: list):
    """Call `function` as the reference's rule of `code` was called with `arguments` (its parameters' values)."""
    positional, kwonly = code.co_argcount, code.co_kwonlyargcount
    args, rest = list(arguments[:positional]), arguments[positional:]
    kwargs = dict(zip(code.co_varnames[positional:positional + kwonly], rest[:kwonly]))
    rest = rest[kwonly:]
    if code.co_flags & inspect.CO_VARARGS:
        args += rest.pop(0)
    if code.co_flags & inspect.CO_VARKEYWORDS:
        kwargs.update(rest.pop(0))
    return function(*args, **kwargs)


def _outcome(arguments: list, answer) -> tuple:
    """What a call leaves behind: its arguments as they are now, its answer, and which argument the answer is
    (pickled as values, an answer that is an argument and one equal to it look alike otherwise)."""
    return arguments, answer, tuple(i for i, argument in enumerate(arguments) if answer is argument)


Call = tuple[str, "bytes | None", "bytes | None"]  # rule's code_key, pickled arguments, pickled (arguments, answer) after

# The code of each rule of the reference's Rules, and its code_key: what the tracer records and a replay calls.
_RULE_KEYS = {rule.__code__: code_key(rule.__code__)
              for rule in (getattr(DEFAULT_RULES, f.name) for f in dataclasses.fields(DEFAULT_RULES))}
_RULE_CODES = {key: code for code, key in _RULE_KEYS.items()}


class Tracer:
    """Records the code of the Python functions called while it is on (this thread and threads started meanwhile),
    and each call of the reference's rules (`Rules`) with its arguments before and after and its answer."""

    _NOT_REPLAYABLE = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR

    def __init__(self):
        self.codes: set = set()
        self.calls: list[Call] = []

    def _call(self, frame, event, arg):
        if event == "call":
            self.codes.add(frame.f_code)
            if frame.f_code in _RULE_KEYS:
                return self._answer(frame)
        return None  # no line events: only calls are wanted

    def _answer(self, frame):
        """A local trace function for a call of a rule: records it when it returns."""
        code = frame.f_code
        key = _RULE_KEYS[code]
        arguments = [frame.f_locals[name] for name in _parameters(code)]  # the objects, to pickle again after
        before = None if code.co_flags & self._NOT_REPLAYABLE else _dumps(arguments, DEFAULT_RULES)

        def local(frame, event, arg):
            nonlocal before
            if event == "exception":  # raised here, caught or not: not replayed
                before = None
            elif event == "return":
                after = _dumps(_outcome(arguments, arg), DEFAULT_RULES) if before is not None else None
                self.calls.append((key, before, after))
            return local
        return local

    @contextmanager
    def on(self) -> Iterator[None]:
        before, before_threads = sys.gettrace(), threading.gettrace()
        sys.settrace(self._call)
        threading.settrace(self._call)
        try:
            yield
        finally:
            sys.settrace(before)
            threading.settrace(before_threads)

    def clear(self) -> None:
        self.codes = set()
        self.calls = []

    def keys(self) -> list[str]:
        """The reference_impl functions among those called, as code_key names."""
        return sorted(filter(None, (code_key(c) for c in self.codes)))


TRACER = Tracer()  # what TracedReference systems ran since it was last cleared


class Answers:
    """The calls of the reference's rules in each scenario of a traced run (each distinct call kept once), and
    whether a variant's rules answer them as the reference's did."""

    def __init__(self, calls: list[Call], scenarios: dict[str, list[int]]):
        self.calls, self.scenarios = calls, scenarios

    @classmethod
    def of_run(cls, calls_by_scenario: dict[str, list[Call]]) -> "Answers":
        index: dict[Call, int] = {}
        scenarios = {scenario: sorted({index.setdefault(call, len(index)) for call in calls})
                     for scenario, calls in calls_by_scenario.items()}
        return cls(list(index), scenarios)

    def dump(self, path: Path) -> None:
        path.write_bytes(pickle.dumps({"calls": self.calls, "scenarios": self.scenarios}))

    @classmethod
    def load(cls, path: Path) -> "Answers":
        data = pickle.loads(path.read_bytes())
        return cls(data["calls"], data["scenarios"])

    def judge(self, swap: Replacement) -> Callable[[str, str], bool]:
        """(scenario, key) → whether every call of that rule in that scenario is answered alike by `swap`'s rules."""
        verdicts: dict[int, bool] = {}

        def alike(index: int) -> bool:
            if index not in verdicts:
                key, before, after = self.calls[index]
                verdicts[index] = before is not None and after is not None and all(
                    self._replays_alike(function, key, before, after, swap.rules)
                    for function in swap.swapped_rules[key])
            return verdicts[index]

        def same(scenario: str, key: str) -> bool:
            calls = [i for i in self.scenarios.get(scenario, ()) if self.calls[i][0] == key]
            return bool(calls) and all(alike(i) for i in calls)
        return same

    def _replays_alike(self, function: Callable, key: str, before: bytes, after: bytes, rules: Rules) -> bool:
        try:
            arguments = _Unpickler(io.BytesIO(before), rules).load()
            answer = _replay(function, _RULE_CODES[key], arguments)
        except Exception:  # noqa: BLE001 — a rule that fails here answers otherwise than the reference's
            return False
        return _dumps(_outcome(arguments, answer), rules) == after


class TracedReference:
    """The reference system behind a proxy that traces it while it is built and while it answers, and only
    then: the suite's own code around it (pytest, the steps, the contract client) is not the system's and
    would cost as much again to trace."""

    def __init__(self):
        with TRACER.on():
            self._system = ReferenceAdapter()


def _traced(name: str):
    def operation(self, *args, **kwargs):
        with TRACER.on():
            return getattr(self._system, name)(*args, **kwargs)
    operation.__name__ = operation.__qualname__ = name
    return operation


for _name, _member in vars(ReferenceAdapter).items():
    if not _name.startswith("_") and callable(_member):
        setattr(TracedReference, _name, _traced(_name))
