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
  run, the functions of reference_impl it called.

A variant that changed the reference in a way neither sees (patching a module at import, say) would be
judged on the reference's outcomes: test_mutants.py holds the selected runs of one variant of each kind to
those of a full run, and bench/check_identical.py holds all of them so.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import caaad.reference_impl as reference_impl
from caaad.reference_impl.adapter import ReferenceAdapter

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


def replaced(variant: type) -> frozenset[str]:
    """Every reference function `variant` (a ReferenceAdapter subclass) replaces, as code_key names."""
    keys = shadowed(variant, ReferenceAdapter, init_on_instance=True)
    if variant is ReferenceAdapter:
        return frozenset()
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
    for field in dataclasses.fields(service.rules):
        rule = getattr(service.rules, field.name)
        if getattr(their_service.rules, field.name) is not rule:
            keys |= _keys(rule, f"Rules.{field.name}")
    return frozenset(keys)


def changeable(adapter: str, traced: dict[str, dict]) -> set[str]:
    """The scenarios (of a traced reference run: node id → {"called": keys}) that the system MODULE:CLASS can
    change: all of them when what it replaces cannot be placed."""
    module, _, name = adapter.partition(":")
    try:
        keys = replaced(getattr(importlib.import_module(module), name))
    except Unplaced:
        return set(traced)
    return {scenario for scenario, run in traced.items() if keys & set(run["called"])}


class Tracer:
    """Records the code of the Python functions called while it is on (this thread and threads started meanwhile)."""

    def __init__(self):
        self.codes: set = set()

    def _call(self, frame, event, arg):
        if event == "call":
            self.codes.add(frame.f_code)
        return None  # no line events: only calls are wanted

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

    def keys(self) -> list[str]:
        """The reference_impl functions among those called, as code_key names."""
        return sorted(filter(None, (code_key(c) for c in self.codes)))


TRACER = Tracer()  # what TracedReference systems ran since it was last cleared


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
