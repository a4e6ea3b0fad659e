"""Every assert of the step modules states its message.

The suite runs with pytest's assertion rewriting off (--assert=plain, caaad/cli.py suite_pytest_args): a failed
check is reported by its message alone, so an assert without one would be reported as a bare "AssertionError"."""

import ast

import pytest

from caaad.paths import steps_dir


def asserts_without_message(source: str, filename: str) -> list[str]:
    return [f"{filename}:{node.lineno}" for node in ast.walk(ast.parse(source, filename))
            if isinstance(node, ast.Assert) and node.msg is None]


def test_every_assert_of_the_steps_states_its_message():
    modules = sorted(steps_dir().glob("*.py"))
    sources = {path.name: path.read_text(encoding="utf-8") for path in modules}
    assert sum(source.count("assert ") for source in sources.values()) > 100  # the checks are there to be looked at
    assert [line for name, source in sources.items() for line in asserts_without_message(source, name)] == []


@pytest.mark.parametrize("source, found", [
    ("def check(x):\n    assert x == 1\n", ["mod.py:2"]),
    ("def check(x):\n    assert x == 1, f'expected 1, got {x}'\n", []),
    ("if True:\n    assert (x, 'a tuple is no message')\n", ["mod.py:2"]),
])
def test_an_assert_without_message_is_named(source, found):
    assert asserts_without_message(source, "mod.py") == found
