"""Which obligations of the standard a rule implements: `@implements("5.4.1.a-3")` on the rule function.

The ids are written beside the function (so `grep -r 5.4.1.a-3 reference_impl/rules` finds its rule) and kept
on it as `__obligations__`, where the traceability matrix and its tests read them.
"""

from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)


def implements(*obligation_ids: str) -> Callable[[F], F]:
    if not obligation_ids:
        raise ValueError("@implements needs at least one obligation id")

    def mark(rule: F) -> F:
        rule.__obligations__ = tuple(dict.fromkeys(getattr(rule, "__obligations__", ()) + obligation_ids))
        return rule

    return mark


def obligations_of(rule: Callable) -> tuple[str, ...]:
    return getattr(rule, "__obligations__", ())
