"""Database trust: a damaged, foreign, newer or read-only database is refused, untouched.

Every case runs the real command line (and the dashboard launch, on a pty) against a
prepared file. A refused database must give an `Error: …` line, a non-zero exit, no
traceback, Textual must not have started, and neither the file (bytes and mtime) nor
its folder (no -wal, -shm or -journal appears) may change.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.farm import clean_env
from tests.support.ptyterm import PtyProgram
from tui.ingest import load_seed_corpus
from tui.model import Classification, NewItem
from tui.store import Store
from tui.store.schema import SCHEMA_VERSION

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
PAGE = 4096
ALT_SCREEN = b"\x1b[?1049h"  # Textual's first act on the terminal


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A healthy aigeo database of ~1.5 MB (seeds, a feed with 300 items, user state)."""
    path = tmp_path_factory.mktemp("template") / "aigeo.db"
    with Store.open(path) as store:
        load_seed_corpus(store)
        source_id, _ = store.add_source("http://127.0.0.1:9/feed", "Example")  # never fetched
        store.save_items(
            source_id,
            [
                (
                    NewItem(guid=str(n), title=f"item {n}", text="export controls " * 150),
                    Classification(),
                )
                for n in range(300)
            ],
        )
        ids = [row.id for row in store.list_items()][:10]
        store.set_read(ids[:5], True)
        store.set_starred(ids[:3], True)
        store.add_tags(ids[:4], ["brief"])
    return path


def garble(data: bytes, start: int, length: int, seed: int) -> bytes:
    """`data` with `length` random bytes written at `start`."""
    rng = random.Random(seed)
    noise = bytes(rng.randrange(256) for _ in range(length))
    return data[:start] + noise + data[start + length :]


def foreign(path: Path) -> None:
    """Another program's SQLite database, in rollback-journal mode (WAL would change it)."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT)")
    conn.executemany("INSERT INTO photos(name) VALUES (?)", [(f"p{n}",) for n in range(100)])
    conn.commit()
    conn.close()


def newer(path: Path, template: Path) -> None:
    """A database from a future aigeo (schema version past ours)."""
    shutil.copyfile(template, path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 7}")
    conn.close()


def missing_tables(path: Path, template: Path) -> None:
    """An aigeo database whose tags table was dropped by hand."""
    shutil.copyfile(template, path)
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE tags")
    conn.commit()
    conn.close()


@dataclass
class Case:
    """A way to make a database untrustworthy."""

    name: str
    make: Callable[[Path, Path], None]
    expect: str  # a word of the message


def write_bytes(transform: Callable[[bytes], bytes]) -> Callable[[Path, Path], None]:
    def make(path: Path, template: Path) -> None:
        path.write_bytes(transform(template.read_bytes()))

    return make


REFUSED = [
    Case("truncated-half", write_bytes(lambda d: d[: len(d) // 2 // PAGE * PAGE]), "damaged"),
    Case("truncated-in-header", write_bytes(lambda d: d[:100]), "damaged"),
    Case("garbage-after-page-2", write_bytes(lambda d: garble(d, 2 * PAGE, len(d), 1)), "damaged"),
    Case("garbage-schema-page", write_bytes(lambda d: garble(d, 100, PAGE - 100, 2)), "damaged"),
    Case("random-bytes", write_bytes(lambda d: garble(d, 0, len(d), 3)), "not an SQLite file"),
    Case(
        "text-file",
        write_bytes(lambda d: b"name,url\nx,https://e.org\n" * 500),
        "not an SQLite file",
    ),
    Case("foreign-sqlite", lambda p, t: foreign(p), "not an aigeo one"),
    Case("newer-schema", lambda p, t: newer(p, t), "newer than this aigeo"),
    Case("missing-tables", lambda p, t: missing_tables(p, t), "missing aigeo tables"),
]
#: Damage that opening the file does not see: a data page in the middle.
SUBTLE = Case(
    "damaged-data-page",
    write_bytes(lambda d: garble(d, (len(d) * 3 // 5) // PAGE * PAGE, PAGE, 4)),
    "damaged",
)
COMMANDS = [
    ("items", "--json"),
    ("sources",),
    ("refresh",),
    ("add", "https://new.example.org/feed", "--no-fetch"),
    ("import", "--defaults"),
    ("retheme",),
]
# Commands that read every item page (`sources` does not since counts are cached, v6).
READ_COMMANDS = [("items", "--limit", "1000"), ("items", "--json", "--limit", "1000")]


def snapshot(path: Path) -> tuple[bytes, int, list[str]]:
    """The file's bytes and mtime, and its folder's listing."""
    stat = path.stat()
    return path.read_bytes(), stat.st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def aigeo(db: Path, *args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[bytes]:
    """The real command line on `db`."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "tui", "--db", str(db), *args],
        capture_output=True,
        cwd=ROOT,
        env=clean_env() | {"AIGEO_CONFIG": str(db.parent.parent / "config.toml")},
        timeout=120,
    )


def run_all(
    db: Path, commands: list[tuple[str, ...]], prefix: tuple[str, ...] = ()
) -> list[subprocess.CompletedProcess[bytes]]:
    """Run several commands at once (each is a fresh process on the same file)."""
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda args: aigeo(db, *args, prefix=prefix), commands))


def assert_one_clear_line(done: subprocess.CompletedProcess[bytes], expect: str) -> None:
    """A non-zero exit with exactly one `Error: …` line that says `expect`."""
    err = done.stderr.decode(errors="replace")
    assert done.returncode != 0, (done.args, err)
    assert "Traceback" not in err, err
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert expect in err, err


def launch_on_pty(db: Path, prefix: tuple[str, ...] = ()) -> tuple[int, bytes]:
    """Launch the dashboard on a pty; returns its exit status and every byte it wrote."""
    app = PtyProgram(
        [*prefix, sys.executable, "-m", "tui", "--db", str(db)],
        env=clean_env() | {"AIGEO_CONFIG": str(db.parent.parent / "config.toml")},
        cwd=ROOT,
    )
    try:
        code = app.wait(30)
    finally:
        app.close()
    return code, app.recorded()


@pytest.fixture
def place(tmp_path: Path) -> Path:
    """Where the case's database goes: a folder of its own (its listing is compared)."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder / "aigeo.db"


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_an_untrustworthy_database_is_refused_clearly_and_left_alone(
    case: Case, template: Path, place: Path
) -> None:
    case.make(place, template)
    before = snapshot(place)
    for done in run_all(place, COMMANDS):
        assert_one_clear_line(done, case.expect)
    code, output = launch_on_pty(place)
    assert code == 1 and ALT_SCREEN not in output, output[-500:]
    assert b"Error: " in output and b"Traceback" not in output
    assert snapshot(place) == before


def test_damage_the_opening_does_not_see_is_reported_before_the_dashboard_starts(
    template: Path, place: Path
) -> None:
    # a small file: the check's verdict is in before Textual starts (tui.store.check);
    # a verdict that comes after the first frame is tests/safety/test_start_check.py
    SUBTLE.make(place, template)
    before = snapshot(place)
    for done in run_all(place, READ_COMMANDS):  # these read the damaged page
        assert_one_clear_line(done, SUBTLE.expect)
    themes = aigeo(place, "themes")  # this one never reads it, and works
    assert themes.returncode == 0 and b"Traceback" not in themes.stderr
    code, output = launch_on_pty(place)
    assert code == 1 and ALT_SCREEN not in output, output[-500:]
    assert b"damaged" in output and b"recover" in output
    assert snapshot(place) == before


def test_refresh_writes_nothing_into_a_file_damaged_past_its_opening(
    template: Path, place: Path
) -> None:
    # `refresh` checks the file beside its network phase (its writes wait for the
    # verdict): the feed's outcome (the server on port 9 refuses) is never written.
    SUBTLE.make(place, template)
    before = snapshot(place)
    for args in (("refresh",), ("refresh", "--json"), ("refresh", "--source", "1")):
        done = aigeo(place, *args)
        assert_one_clear_line(done, SUBTLE.expect)
        assert done.stdout == b""
    assert snapshot(place) == before


# --------------------------------------------------------------------------- read-only


def _can_unshare() -> bool:
    try:
        done = subprocess.run(
            ["unshare", "-m", "true"], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], tuple[str, ...]]]:
    """Make a file or folder read-only for the aigeo subprocess; returns its command
    prefix. Not root: chmod. Root (whom modes do not stop): a private read-only bind
    mount, in a mount namespace of the subprocess's own (nothing leaks out)."""
    changed: list[tuple[Path, int]] = []
    root = os.geteuid() == 0
    if root and not _can_unshare():
        pytest.skip("running as root without mount namespaces: cannot make a file read-only")

    def make(target: Path) -> tuple[str, ...]:
        if not root:
            changed.append((target, target.stat().st_mode))
            target.chmod(0o555 if target.is_dir() else 0o444)
            return ()
        script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
        return ("unshare", "-m", "sh", "-c", script, str(target))

    yield make
    for target, mode in reversed(changed):
        target.chmod(mode)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_database_is_refused_clearly_and_left_alone(
    what: str, template: Path, place: Path, read_only: Callable[[Path], tuple[str, ...]]
) -> None:
    shutil.copyfile(template, place)
    before = snapshot(place)
    prefix = read_only(place if what == "file" else place.parent)
    for done in run_all(place, COMMANDS, prefix):
        assert_one_clear_line(done, "read-only")
    code, output = launch_on_pty(place, prefix)
    assert code == 1 and ALT_SCREEN not in output, output[-500:]
    assert b"read-only" in output and b"Traceback" not in output
    assert snapshot(place) == before


def test_a_folder_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = aigeo(blocker / "sub" / "aigeo.db", "items")
    assert_one_clear_line(done, "does not exist")  # --db into a missing folder (issue 14)
