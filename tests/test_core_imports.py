"""Only tui.ui imports Textual: every core module imports without it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tui


def core_modules() -> list[str]:
    """Every module of the package, subpackages included, except the UI subpackage."""
    return sorted(
        m.name
        for m in pkgutil.walk_packages(tui.__path__, prefix="tui.")
        if not m.name.startswith("tui.ui") and m.name != "tui.__main__"
    )


def test_core_modules_do_not_import_textual() -> None:
    modules = core_modules()
    expected = {"tui.cli.group", "tui.store.items", "tui.themes.lexicon", "tui.feeds.poller"}
    assert expected | {"tui.analysis.brief", "tui.ingest", "tui.corpus"} <= set(modules)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"textual imported by the core: {out.stdout}"


def test_headless_cli_run_does_not_import_textual(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from tui.cli.group import main\n"
        f"r = CliRunner().invoke(main, ['--db', {str(tmp_path / 'a.db')!r}, 'themes', '--json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
