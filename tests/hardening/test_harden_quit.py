"""Quitting never races a modal screen: `q` then `e` typed quickly exits cleanly.

The real dashboard on a pty (`python -m tui`), a seeded database; `q` and then `e`
after a range of short gaps (the race was hit at ~20 ms: the theme editor mounted on
an app being torn down and printed a NoMatches traceback). Every run must exit 0
and write no traceback.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.hardening.test_harden_terminal import cli_env
from tests.support.ptyterm import PtyProgram
from tui.store import Store
from tui.ui.actions.sources import DEFAULTS_OFFERED_KEY

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="pty")]
ROOT = Path(__file__).resolve().parents[2]
GAPS_S = (0.0, 0.01, 0.02, 0.03)


@pytest.mark.parametrize("second_key", ["e", "t"])
def test_keys_after_q_never_open_a_screen_on_a_closing_app(
    tmp_path: Path, seeded: Path, second_key: str
) -> None:
    with Store.open(seeded) as store:  # no first-run offer: the dashboard itself is up
        store.set_meta(DEFAULTS_OFFERED_KEY, "1")
    for gap in GAPS_S:
        app = PtyProgram(
            [sys.executable, "-m", "tui", "--db", str(seeded)],
            env=cli_env(tmp_path, seeded),
            cwd=ROOT,
        )
        try:
            assert app.wait_for("Reader", 60), app.screen_text()
            time.sleep(0.3)  # let the first item settle in the reader; not a sync point
            app.send("q", gap)
            app.send(second_key, 0)
            code = app.wait(60)
            output = app.recorded().decode("utf-8", "replace")
        finally:
            app.close()
        assert code == 0, (gap, output[-2000:])
        assert "Traceback" not in output and "NoMatches" not in output, (gap, output[-2000:])
