"""Compiled lexicons kept on disk (tui.themes.disk_cache): a hit is the same lexicon,
anything changed or odd is a miss, and a cache that cannot be used is never an error."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.themes_devset import load_devset
from tui.themes import disk_cache, load_lexicon, loader
from tui.themes.builder import _Builder
from tui.themes.lexicon import Lexicon

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "lexicon-cache"
    monkeypatch.setenv(disk_cache.CACHE_ENV, str(folder))
    loader._load_cached.cache_clear()
    yield folder
    loader._load_cached.cache_clear()


def no_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, compiling a lexicon fails the test: only the cache can answer."""

    def refuse(self: _Builder, version: str, path: Path) -> Lexicon:
        raise AssertionError("compiled although the cache holds this lexicon")

    monkeypatch.setattr(_Builder, "build", refuse)


def test_a_second_load_comes_from_disk_and_classifies_the_same(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = load_lexicon(overlay=None)
    assert len(list(cache.glob(f"*{disk_cache.SUFFIX}"))) == 1
    loader._load_cached.cache_clear()
    no_compiling(monkeypatch)
    kept = load_lexicon(overlay=None)
    assert kept is not built and kept.version == built.version
    for item in load_devset():
        assert kept.classify(item.title, item.summary) == built.classify(item.title, item.summary)
        assert kept.explain(item.title, item.summary) == built.explain(item.title, item.summary)


def test_an_edited_lexicon_is_compiled_again(cache: Path, tmp_path: Path) -> None:
    shipped = loader.default_lexicon_path().read_text(encoding="utf-8")
    mine = tmp_path / "themes.toml"
    mine.write_text(shipped, encoding="utf-8")
    before = load_lexicon(mine, overlay=None)
    mine.write_text(shipped + "\n# an edit\n", encoding="utf-8")
    after = load_lexicon(mine, overlay=None)
    assert after.version != before.version
    assert len(list(cache.glob(f"*{disk_cache.SUFFIX}"))) == 2


def test_an_overlay_is_part_of_the_key(cache: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "themes.local.toml"
    overlay.write_text('[[themes]]\nid = "chips"\nphrases = { "zorblax wafer" = 3.0 }\n')
    plain = load_lexicon(overlay=None)
    with_overlay = load_lexicon(overlay=overlay)
    assert plain.version != with_overlay.version
    loader._load_cached.cache_clear()
    again = load_lexicon(overlay=overlay)
    text = "Zorblax wafer AI chips export controls tighten"
    assert again.version == with_overlay.version
    assert again.classify(text, text) == with_overlay.classify(text, text)


def test_a_damaged_or_foreign_file_is_rebuilt_and_replaced(cache: Path) -> None:
    built = load_lexicon(overlay=None)
    (kept,) = cache.glob(f"*{disk_cache.SUFFIX}")
    for junk in (b"not a pickle", b"\x80\x05K\x01."):  # garbage; a pickled int
        kept.write_bytes(junk)
        loader._load_cached.cache_clear()
        assert load_lexicon(overlay=None).version == built.version
        assert disk_cache.load(kept, built.version) is not None  # written whole again


def test_a_cache_that_cannot_be_written_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(disk_cache.CACHE_ENV, str(blocker / "lexicon"))
    loader._load_cached.cache_clear()
    try:
        assert load_lexicon(overlay=None).classify("AI chips export controls", "")
    finally:
        loader._load_cached.cache_clear()


def test_old_versions_are_pruned(cache: Path, tmp_path: Path) -> None:
    shipped = loader.default_lexicon_path().read_text(encoding="utf-8")
    mine = tmp_path / "themes.toml"
    for n in range(disk_cache.KEEP_FILES + 3):
        mine.write_text(shipped + f"\n# edit {n}\n", encoding="utf-8")
        load_lexicon(mine, overlay=None)
    assert len(list(cache.glob(f"*{disk_cache.SUFFIX}"))) == disk_cache.KEEP_FILES


def test_another_process_reads_what_this_one_kept(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = load_lexicon(overlay=None).version
    (kept,) = cache.glob(f"*{disk_cache.SUFFIX}")
    stamp = kept.stat().st_mtime_ns
    script = (
        "from tui.themes import load_lexicon; from tui.themes.builder import _Builder\n"
        "_Builder.build = None  # compiling would fail: the cache must answer\n"
        "print(load_lexicon(overlay=None).version)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == version
    assert kept.stat().st_mtime_ns == stamp  # read, not rewritten


def test_every_class_in_the_pickle_is_defined_in_a_fingerprinted_module(cache: Path) -> None:
    """An edit of a class the cache holds must change the key: each class a cached
    lexicon refers to comes from the standard library or a fingerprinted module."""
    import importlib
    import io
    import pickle
    import sysconfig

    load_lexicon(overlay=None)
    (kept,) = cache.glob(f"*{disk_cache.SUFFIX}")
    found: set[tuple[str, str]] = set()

    class Recording(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> object:
            found.add((module, name))
            return super().find_class(module, name)

    Recording(io.BytesIO(kept.read_bytes())).load()
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    fingerprinted = {path.resolve() for path in disk_cache.fingerprinted_files()}
    assert any(module == "tui.model" for module, _ in found)  # ThemeDef: the test sees it
    for module, name in found:
        source = getattr(importlib.import_module(module), "__file__", None)
        if source is None or Path(source).resolve().is_relative_to(stdlib):
            continue  # builtins and the standard library (re, pathlib)
        assert Path(source).resolve() in fingerprinted, (module, name)


def test_a_cached_lexicon_unpacks_its_tables_only_when_it_scores(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = load_lexicon()
    loader._load_cached.cache_clear()
    cached = load_lexicon()
    assert cached is not compiled
    assert cached._loaded is None and cached._packed is not None  # the first frame's case
    assert cached.themes == compiled.themes and cached.version == compiled.version
    twin = cached.with_model(None)  # a copy shares the packed tables, unpacks nothing
    assert twin._loaded is None
    items = load_devset()[:60]
    for item in items:
        assert cached.classify(item.title, item.summary) == compiled.classify(
            item.title, item.summary
        )
    assert cached._loaded is not None
    assert twin.explain("Nvidia", "export controls on AI chips to China") == compiled.explain(
        "Nvidia", "export controls on AI chips to China"
    )
