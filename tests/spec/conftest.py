"""Fixtures of the spec tests: a minimal valid spec (minispec.py) and an in-process `caaad`."""

import pytest

from caaad.cli import main
from minispec import MiniSpec, build_spec


@pytest.fixture
def make_spec(tmp_path):
    def make(name: str = "spec") -> MiniSpec:
        return build_spec(tmp_path / name)
    return make


@pytest.fixture
def mini(make_spec) -> MiniSpec:
    return make_spec()


@pytest.fixture
def caaad(capsys):
    """Run `caaad ARGS…` in-process; returns (exit code, stdout, stderr). Never a traceback."""
    def run(*argv):
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        assert "internal error" not in err, err
        return code, out, err
    return run
