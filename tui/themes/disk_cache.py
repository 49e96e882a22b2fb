"""Compiled lexicons kept on disk, so a process that starts does not compile one again.

Compiling seeds/themes.toml (parse the TOML, build ~4,000 keys and their rules) costs
~0.15 s of CPU, and every process pays it: the dashboard before its first frame, each
CLI command, each refresh's fork server. Loading the same lexicon from a pickle costs
~0.03 s. Decisions:

- The key covers everything the compiled object depends on: the lexicon's and the
  overlay's bytes and paths and the scoring version (the loader's version digest),
  the size and mtime of every module of tui.themes and of tui/model.py (an upgrade
  or an edit of the code that builds or scores is a new key; every class in the
  pickle is defined there: ThemeDef in tui.model, the rest in tui.themes) and the
  Python version. A hit is also checked
  to be a Lexicon of the expected version; anything odd is a miss and is rebuilt.
- The folder is `$AIGEO_LEXICON_CACHE`, else `lexicon/` in the user cache dir. Files
  are written to a temporary name and renamed into place, so a reader never sees half
  a file and two processes writing at once both leave a whole one. A folder that
  cannot be written just means no cache: never an error.
- Only the newest KEEP_FILES stay (one per lexicon in use: with and without an
  overlay); an old version's file is deleted when a new one is written.
- pickle runs code from the file it reads. The folder is the user's own, like the
  config and the lexicon overlay, which already decide what aigeo does; it is never
  shared or downloaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from functools import lru_cache
from pathlib import Path

from tui.themes.lexicon import Lexicon

CACHE_ENV = "AIGEO_LEXICON_CACHE"
FORMAT = 1  # bump when what is pickled changes in a way the code fingerprint misses
KEEP_FILES = 4
SUFFIX = ".lexicon.pickle"


def cache_dir() -> Path:
    """Where compiled lexicons are kept."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("aigeo")) / "lexicon"


def fingerprinted_files() -> list[Path]:
    """The modules whose edits make a new key: tui.themes and tui/model.py."""
    here = Path(__file__).parent
    return [*sorted(here.glob("*.py")), here.parent / "model.py"]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Size and mtime of every fingerprinted module, the Python version and FORMAT."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0".encode())
    for module in fingerprinted_files():
        st = module.stat()
        digest.update(f"{module.name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def cache_path(inputs: str) -> Path:
    """The file for a lexicon whose inputs (bytes, paths, scoring version) hash to
    `inputs`."""
    key = hashlib.sha256(f"{inputs}\0{code_fingerprint()}".encode()).hexdigest()[:24]
    return cache_dir() / f"{key}{SUFFIX}"


def load(path: Path, version: str) -> Lexicon | None:
    """The lexicon kept at `path`, or None (absent, unreadable, not what it should be)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        lexicon = pickle.loads(data)
    except Exception:  # a damaged or foreign file: rebuilt and overwritten
        return None
    if not isinstance(lexicon, Lexicon) or lexicon.version != version:
        return None
    return lexicon


def store(path: Path, lexicon: Lexicon) -> None:
    """Keep `lexicon` at `path` (best effort) and drop all but the newest files."""
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            partial.write_bytes(pickle.dumps(lexicon, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(partial, path)
        finally:
            with contextlib.suppress(OSError):
                partial.unlink()
        _prune(path.parent)


def _prune(folder: Path) -> None:
    kept = sorted(folder.glob(f"*{SUFFIX}"), key=_mtime, reverse=True)
    for old in kept[KEEP_FILES:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0
