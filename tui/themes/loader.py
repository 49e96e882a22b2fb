"""Loading the lexicon: the shipped themes.toml, the user's overlay (themes.local.toml),
the cache on paths, mtimes and sizes, and the version hash (TOML + SCORING_VERSION).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from tui.config import seeds_dir
from tui.themes import disk_cache
from tui.themes import lexicon as scoring
from tui.themes.builder import _Builder, _check_keys, _str, _table
from tui.themes.compiled import LexiconError
from tui.themes.lexicon import LEXICON_FILENAME, Lexicon
from tui.themes.model import UserModel
from tui.themes.tokens import _SchemaError

log = logging.getLogger(__name__)

# --- loading -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def default_lexicon_path() -> Path:
    """The shipped lexicon: `seeds/themes.toml` (where the package sits cannot change)."""
    return seeds_dir() / LEXICON_FILENAME


OVERLAY_FILENAME = "themes.local.toml"
OVERLAY_ENV = "AIGEO_THEMES_LOCAL"
USER_OVERLAY = "user"  # load_lexicon's default: the user's overlay file, when it exists


def user_overlay_path() -> Path:
    """The user's lexicon overlay: `$AIGEO_THEMES_LOCAL`, else themes.local.toml next to
    the settings file (the user config dir, or wherever `$AIGEO_CONFIG` points)."""
    from tui.config import settings_path

    env = os.environ.get(OVERLAY_ENV)
    return Path(env).expanduser() if env else settings_path().parent / OVERLAY_FILENAME


def load_lexicon(path: Path | None = None, overlay: Path | str | None = USER_OVERLAY) -> Lexicon:
    """Load and compile a lexicon (default: the shipped one), with an overlay merged in,
    and the user's learned model (tui.themes.model) blended in when it exists.

    `overlay` is a TOML file of `[[themes]]` tables (`id` and `phrases`) whose phrases
    are added to the themes of the same id (an overlay weight replaces a base one).
    The default, USER_OVERLAY, means the user's `themes.local.toml` when `path` is the
    shipped lexicon and that file exists; None means no overlay. With an overlay the
    version is a hash of both files (and SCORING_VERSION), so re-theming notices an
    edited overlay or a change in the scoring code.

    Cached on paths, mtimes and sizes, so calling it again is a `stat` (a few µs) and
    an edited file is picked up; still, hold on to the Lexicon in hot loops. The model
    is used with the user's overlay only (the default arguments): a lexicon loaded from
    another file, or with `overlay=None`, is the rule lexicon alone.
    """
    lexicon = _load_rules(path, overlay)
    if path is None and overlay == USER_OVERLAY:
        lexicon = _with_user_model(lexicon)
    return lexicon


def _with_user_model(lexicon: Lexicon) -> Lexicon:
    """The lexicon with the user's model file blended in (unchanged when there is none)."""
    from tui.themes.model import user_model_path

    model_path = user_model_path()
    try:
        st = model_path.stat()
    except OSError:
        return lexicon
    return _model_cached(lexicon, str(model_path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4)
def _model_cached(lexicon: Lexicon, path: str, mtime_ns: int, size: int) -> Lexicon:
    """Read one version of a model file; a broken one is logged and ignored (the rules
    alone still theme every item; the next `aigeo retheme` rewrites it)."""
    from tui.themes.model import read_model_file

    try:
        model = UserModel.from_json(read_model_file(Path(path)), lexicon.theme_ids)
    except (ValueError, TypeError, AttributeError) as e:
        log.warning("ignoring the learned theme model %s: %s", path, e)
        return lexicon
    return lexicon.with_model(model)


def _load_rules(path: Path | None, overlay: Path | str | None) -> Lexicon:
    """The compiled lexicon file (and overlay), without a learned model."""
    p = Path(path) if path is not None else default_lexicon_path()
    if overlay == USER_OVERLAY:
        user = user_overlay_path() if path is None else None
        overlay = user if user is not None and user.is_file() else None
    try:
        st = p.stat()
    except OSError as e:
        raise LexiconError(f"{p}: cannot read the theme lexicon: {e.strerror or e}") from e
    if overlay is None:
        return _load_cached(str(p), st.st_mtime_ns, st.st_size)
    o = Path(overlay)
    try:
        ost = o.stat()
    except OSError as e:
        raise LexiconError(f"{o}: cannot read the lexicon overlay: {e.strerror or e}") from e
    return _load_cached(str(p), st.st_mtime_ns, st.st_size, str(o), ost.st_mtime_ns, ost.st_size)


def _read_bytes(p: Path, what: str) -> bytes:
    """The bytes of a lexicon file, or LexiconError naming it."""
    try:
        return p.read_bytes()
    except OSError as e:
        raise LexiconError(f"{p}: cannot read the {what}: {e.strerror or e}") from e


def _parse_toml(p: Path, data: bytes) -> dict[str, Any]:
    """The parsed TOML of a lexicon file's bytes, or LexiconError naming it."""
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise LexiconError(f"{p}: not UTF-8 text: {e}") from e
    except tomllib.TOMLDecodeError as e:
        raise LexiconError(f"{p}: invalid TOML: {e}") from e


def _read_toml(p: Path, what: str) -> tuple[bytes, dict[str, Any]]:
    """The bytes and parsed TOML of a lexicon file, or LexiconError naming it."""
    data = _read_bytes(p, what)
    return data, _parse_toml(p, data)


@lru_cache(maxsize=16)
def _load_cached(
    path: str,
    mtime_ns: int,
    size: int,
    overlay: str | None = None,
    overlay_mtime_ns: int = 0,
    overlay_size: int = 0,
) -> Lexicon:
    """One version of a lexicon file (and overlay): from the disk cache when it has
    this exact one (tui.themes.disk_cache), else read, parsed, compiled and kept there."""
    p = Path(path)
    data = _read_bytes(p, "theme lexicon")
    extra = _read_bytes(Path(overlay), "lexicon overlay") if overlay is not None else None
    # read at call time, from the scorer's module: its constant, not a copy of it
    digest = hashlib.sha256(f"scoring {scoring.SCORING_VERSION}\0".encode())
    digest.update(data)
    if extra is not None:
        digest.update(b"\0overlay\0" + extra)
    version = digest.hexdigest()[:12]
    kept = disk_cache.cache_path(f"{digest.hexdigest()}\0{path}\0{overlay}")
    cached = disk_cache.load(kept, version)
    if cached is not None:
        return cached
    lexicon = _compile(p, data, overlay, extra, version)
    disk_cache.store(kept, lexicon)
    return lexicon


def _compile(
    p: Path, data: bytes, overlay: str | None, extra: bytes | None, version: str
) -> Lexicon:
    """Parse and compile a lexicon file's bytes, with an overlay's merged in."""
    doc = _parse_toml(p, data)
    if overlay is not None and extra is not None:
        o = Path(overlay)
        overlay_doc = _parse_toml(o, extra)
        try:
            merge_overlay(doc, overlay_doc)
        except _SchemaError as e:
            raise LexiconError(f"{o}: {e} (fix or delete the overlay file)") from None
    try:
        return _Builder(doc).build(version, p)
    except _SchemaError as e:
        where = f"{p} + {overlay}" if overlay else f"{p}"
        raise LexiconError(f"{where}: {e}") from None


def lexicon_document(
    path: Path | None = None, overlay: Path | str | None = USER_OVERLAY
) -> dict[str, Any]:
    """The parsed lexicon TOML with the overlay merged in (what `load_lexicon` compiles),
    for tools that try changes before writing them (see `compile_lexicon`)."""
    p = Path(path) if path is not None else default_lexicon_path()
    if overlay == USER_OVERLAY:
        user = user_overlay_path() if path is None else None
        overlay = user if user is not None and user.is_file() else None
    _, doc = _read_toml(p, "theme lexicon")
    if overlay is not None:
        o = Path(overlay)
        _, overlay_doc = _read_toml(o, "lexicon overlay")
        try:
            merge_overlay(doc, overlay_doc)
        except _SchemaError as e:
            raise LexiconError(f"{o}: {e} (fix or delete the overlay file)") from None
    return doc


def compile_lexicon(doc: dict[str, Any], version: str = "draft") -> Lexicon:
    """Compile a parsed lexicon document (uncached; LexiconError on a schema problem)."""
    try:
        return _Builder(doc).build(version, default_lexicon_path())
    except _SchemaError as e:
        raise LexiconError(f"lexicon draft: {e}") from None


_OVERLAY_THEME_KEYS = {"id", "phrases"}


def merge_overlay(doc: dict[str, Any], overlay: Mapping[str, Any]) -> None:
    """Add an overlay's `[[themes]]` phrases to the parsed base lexicon `doc`, in place.

    Only `[[themes]]` tables with `id` and `phrases` are allowed (several tables may
    name the same theme; later ones win). A theme id the base does not have is skipped
    with a warning, so a lexicon upgrade that renames a theme cannot lock the user out.
    """
    _check_keys(overlay, {"themes"}, "the overlay's top level")
    items = overlay.get("themes", [])
    if not isinstance(items, list):
        raise _SchemaError("[[themes]] must be an array of tables")
    base = {t.get("id"): t for t in doc.get("themes", []) if isinstance(t, dict) and "id" in t}
    for i, raw in enumerate(items):
        table = _table(raw, f"overlay [[themes]] #{i + 1}")
        tid = _str(table.get("id"), f"overlay [[themes]] #{i + 1} id")
        _check_keys(table, _OVERLAY_THEME_KEYS, f"overlay theme {tid!r}")
        phrases = _table(table.get("phrases", {}), f"overlay theme {tid!r} phrases")
        target = base.get(tid)
        if target is None:
            log.warning("lexicon overlay names unknown theme %r; its phrases are ignored", tid)
            continue
        merged = dict(_table(target.get("phrases", {}), f"theme {tid!r} phrases"))
        merged.update(phrases)
        target["phrases"] = merged
