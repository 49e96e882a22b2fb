"""tui.__version__ is a literal (start-up time): it must stay pyproject.toml's version."""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import tui

ROOT = Path(__file__).resolve().parents[1]


def test_the_version_is_the_one_pyproject_declares() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert tui.__version__ == project["version"]


def test_the_version_is_the_installed_one() -> None:
    try:
        installed = version("aigeo")
    except PackageNotFoundError:  # a source tree that is not installed
        return
    assert tui.__version__ == installed
