"""The layer rules (docs/ARCHITECTURE.md), as import-linter contracts in pyproject.toml.

import-linter builds the import graph of the package (imports inside functions too) and
checks each contract; one test per contract, so a failure names the broken rule and
`uv run lint-imports --contract ID` shows the offending import chain.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "contracts"
]


def lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_rules_of_the_design_are_all_contracts() -> None:
    assert {c["id"] for c in CONTRACTS} == {
        "core-below-interfaces",
        "store-is-storage",
        "only-ui-imports-textual",
        "widgets-never-touch-the-store",
    }


@pytest.mark.parametrize("contract", [c["id"] for c in CONTRACTS])
def test_layer_contract_is_kept(contract: str) -> None:
    run = lint_imports("--contract", contract)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout


def test_a_broken_rule_fails(tmp_path: Path) -> None:
    """The checker does report a broken contract: the CLI does import the store."""
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "tui"\n\n'
        "[[tool.importlinter.contracts]]\n"
        'id = "cli-without-store"\nname = "CLI without store"\ntype = "forbidden"\n'
        'source_modules = ["tui.cli"]\nforbidden_modules = ["tui.store"]\n'
    )
    run = lint_imports(str(config))
    assert run.returncode != 0
    assert "BROKEN" in run.stdout and "tui.cli" in run.stdout
