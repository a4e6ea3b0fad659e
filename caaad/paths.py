"""Where the kit's data folders are, in a repository checkout and in an installed wheel.

Installed, spec/, features/, steps/ and reference_impl/ sit inside the caaad package
(setuptools package-dir); in a checkout they are the repository's root folders.
"""

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def spec_dir() -> Path:
    return data_dir("spec")


def features_dir() -> Path:
    """The suite's features; CAAAD_FEATURES_DIR points the suite at another set (used by tests)."""
    override = os.environ.get("CAAAD_FEATURES_DIR")
    return Path(override) if override else data_dir("features")


def steps_dir() -> Path:
    return data_dir("steps")
