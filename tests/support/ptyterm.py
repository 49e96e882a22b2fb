"""Run a real program under a pseudo-terminal, record every byte it writes, drive it.

`PtyProgram` starts a command on a new pty of a fixed size (TERM=xterm-256color), reads
its output on a thread, sends keystrokes and SGR mouse clicks, and keeps a minimal
screen model (absolute cursor moves, CR/LF and printable text: what Textual emits) so a
test can find where a word is on screen and click it.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from rich.cells import get_character_cell_size

_SEQUENCE = re.compile(
    r"\x1b(?:\[(?P<csi>[0-?]*)[ -/]*(?P<final>[@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)|(?P<other>.)|$)",
    re.DOTALL,
)
_HOLD_LIMIT = 512  # an unfinished sequence this close to the end waits for the next chunk


class Screen:
    """Just enough of a VT100 to know what is where on a Textual screen."""

    def __init__(self, columns: int, rows: int) -> None:
        self.columns, self.rows = columns, rows
        self.grid = [[" "] * columns for _ in range(rows)]
        self.x = self.y = 0
        self._pending = ""

    def feed(self, text: str) -> None:
        """Apply output text to the grid (a sequence cut at the end waits for the rest)."""
        text = self._pending + text
        self._pending = ""
        position = 0
        for match in _SEQUENCE.finditer(text):
            unfinished = match.group("other") in ("[", "]") or match.group(0) == "\x1b"
            if unfinished and len(text) - match.start() < _HOLD_LIMIT:
                self._put(text[position : match.start()])
                self._pending = text[match.start() :]
                return
            self._put(text[position : match.start()])
            position = match.end()
            if match.group("final") in ("H", "f"):
                numbers = [int(n) if n.isdigit() else 1 for n in match.group("csi").split(";")]
                numbers += [1, 1]
                self.y = min(self.rows - 1, max(0, numbers[0] - 1))
                self.x = min(self.columns - 1, max(0, numbers[1] - 1))
        self._put(text[position:])

    def _put(self, text: str) -> None:
        for char in text:
            if char == "\r":
                self.x = 0
            elif char == "\n":
                self.y = min(self.rows - 1, self.y + 1)
            elif char >= " ":
                width = get_character_cell_size(char)
                if width == 0:
                    continue
                if self.x < self.columns:
                    self.grid[self.y][self.x] = char
                    if width == 2 and self.x + 1 < self.columns:
                        self.grid[self.y][self.x + 1] = ""
                self.x += width

    def lines(self) -> list[str]:
        """The screen as text, one string per row."""
        return ["".join(row) for row in self.grid]

    def find(self, word: str) -> tuple[int, int] | None:
        """(column, row) of the first cell of `word` on screen, or None."""
        for y, line in enumerate(self.lines()):
            x = line.find(word)
            if x >= 0:
                return x, y
        return None


class PtyProgram:
    """A command running on a pty of `columns` x `rows`, with its output recorded."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path | None = None,
        columns: int = 120,
        rows: int = 40,
    ) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.master = master
        self.output = bytearray()
        self.screen = Screen(columns, rows)
        self._lock = threading.Lock()
        self._decoder_buffer = b""
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            # the size is said in COLUMNS/LINES too: shutil.get_terminal_size (Textual's
            # source) reads those before the tty, and an inherited COLUMNS/LINES drew the app
            # at 80x25 inside a 120x40 terminal on CI, hiding the rows a test clicks
            env={"TERM": "xterm-256color", **env, "COLUMNS": str(columns), "LINES": str(rows)},
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the program closed the terminal
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk
                data = self._decoder_buffer + chunk
                cut = len(data)
                while cut > 0 and cut > len(data) - 4 and (data[cut - 1] & 0xC0) == 0x80:
                    cut -= 1
                if cut > 0 and data[cut - 1] >= 0xC0:
                    cut -= 1
                self._decoder_buffer = data[cut:]
                self.screen.feed(data[:cut].decode("utf-8", "replace"))

    # ----------------------------------------------------------------- driving

    def send(self, keys: str | bytes, pause: float = 0.25) -> None:
        """Type `keys` (one write), then give the program `pause` seconds."""
        os.write(self.master, keys.encode() if isinstance(keys, str) else keys)
        time.sleep(pause)

    def press(self, *keys: str, pause: float = 0.25) -> None:
        """Type several keys one after another (an escape key needs its own write)."""
        for key in keys:
            self.send(key, pause)

    def click(self, x: int, y: int, pause: float = 0.4) -> None:
        """A left click at screen cell (x, y), 0-based, as an SGR (1006) mouse report."""
        self.send(f"\x1b[<35;{x + 1};{y + 1}M", 0.05)  # move there first (hover)
        self.send(f"\x1b[<0;{x + 1};{y + 1}M", 0.05)
        self.send(f"\x1b[<0;{x + 1};{y + 1}m", pause)

    def wait_for(self, word: str, timeout: float = 60.0) -> bool:
        """Wait until `word` is on screen (True) or the time is up / the program ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.screen.find(word) is not None:
                    return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def wait_gone(self, word: str, timeout: float = 60.0) -> bool:
        """Wait until `word` is no longer on screen (True) or the time is up / it ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.screen.find(word) is None:
                    return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def find(self, word: str) -> tuple[int, int] | None:
        """Where `word` is on screen now."""
        with self._lock:
            return self.screen.find(word)

    def screen_text(self) -> str:
        """The current screen, rows joined by newlines."""
        with self._lock:
            return "\n".join(self.screen.lines())

    def alive(self) -> bool:
        """True while the program runs."""
        return self.process.poll() is None

    def wait(self, timeout: float = 20.0) -> int:
        """Wait for the program to end; returns its exit status."""
        code = self.process.wait(timeout)
        self._reader.join(5)
        return code

    def close(self) -> None:
        """Stop the program if it still runs, and release the terminal."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._reader.join(5)
        os.close(self.master)

    def recorded(self) -> bytes:
        """Every byte written so far."""
        with self._lock:
            return bytes(self.output)
