"""The user's lexicon overlay (themes.local.toml): merged by load_lexicon, versioned, checked."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from tui.themes import LexiconError, load_lexicon, user_overlay_path

BASE = """
[ai_context]
"AI" = { weight = 3.0, case = true }

[[themes]]
id = "chips"
name = "Chips"
[themes.phrases]
"export controls" = 4.0

[[themes]]
id = "compute"
name = "Compute"
[themes.phrases]
"data centre" = 4.0
"""
TEXT = "AI firms were put on the entity list this week."


@pytest.fixture
def base(tmp_path: Path) -> Path:
    path = tmp_path / "themes.toml"
    path.write_text(BASE)
    return path


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_overlay_phrases_join_their_theme(base: Path, tmp_path: Path) -> None:
    plain = load_lexicon(base)
    assert plain.classify("", TEXT).themes == ()
    overlay = write(
        tmp_path / "local.toml", '[[themes]]\nid = "chips"\n[themes.phrases]\n"entity list" = 3.5\n'
    )
    merged = load_lexicon(base, overlay)
    assert merged.classify("", TEXT).theme_ids() == ["chips"]
    assert merged.classify("", "AI and export controls").theme_ids() == ["chips"]  # base kept
    assert merged.version != plain.version
    assert load_lexicon(base, overlay) is merged  # cached on both files
    overlay.write_text(overlay.read_text() + "# edited\n")
    assert load_lexicon(base, overlay).version not in (merged.version, plain.version)


def test_overlay_weight_replaces_and_later_tables_win(base: Path, tmp_path: Path) -> None:
    overlay = write(
        tmp_path / "local.toml",
        '[[themes]]\nid = "chips"\n[themes.phrases]\n"export controls" = 1.0\n'
        '[[themes]]\nid = "chips"\n[themes.phrases]\n"entity list" = 1.0\n',
    )
    merged = load_lexicon(base, overlay)
    # 1.0 each, one body hit each: below the default threshold of 3.0 either way
    assert merged.classify("", "AI export controls").themes == ()
    both = merged.explain("", "AI export controls and the entity list")
    assert ("themes", "chips", "export controls", 1.0) in both
    assert ("themes", "chips", "entity list", 1.0) in both  # not the base table's weights
    assert ("themes", "chips", "entity list", 1.0) in merged.explain("", TEXT)


def test_unknown_theme_in_overlay_is_skipped_with_a_warning(
    base: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    overlay = write(tmp_path / "local.toml", '[[themes]]\nid = "gone"\nphrases = { "x y" = 2 }\n')
    with caplog.at_level(logging.WARNING):
        merged = load_lexicon(base, overlay)
    assert merged.theme_ids == ["chips", "compute"]
    assert "gone" in caplog.text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[themes]\n", "invalid TOML"),
        ('[ai_context]\n"x" = 1\n', "unknown key 'ai_context'"),
        ('[[themes]]\nid = "chips"\nname = "New"\n', "unknown key 'name'"),
        ('[[themes]]\nid = "chips"\n[themes.phrases]\n"x" = "high"\n', "must be a number"),
        ('[[themes]]\nid = "chips"\n[themes.phrases]\n"--" = 1\n', "no words"),
    ],
    ids=["syntax", "top-key", "theme-key", "weight", "no-words"],
)
def test_a_broken_overlay_names_itself(base: Path, tmp_path: Path, text: str, message: str) -> None:
    overlay = write(tmp_path / "broken-local.toml", text)
    with pytest.raises(LexiconError) as err:
        load_lexicon(base, overlay)
    assert message in str(err.value) and "broken-local.toml" in str(err.value)


def test_the_default_uses_the_user_overlay_only_for_the_shipped_lexicon(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = load_lexicon(overlay=None)
    assert load_lexicon() is shipped  # no user overlay file: the plain shipped lexicon
    user = Path(os.environ["AIGEO_THEMES_LOCAL"])
    assert user_overlay_path() == user
    first = shipped.theme_ids[0]
    write(user, f'[[themes]]\nid = "{first}"\n[themes.phrases]\n"zqxv wplk" = 9.0\n')
    with_user = load_lexicon()
    assert with_user.version != shipped.version
    assert first in with_user.classify("AI models", "the zqxv wplk rule").theme_ids()
    assert load_lexicon(base).version == load_lexicon(base, None).version  # explicit path
    monkeypatch.delenv("AIGEO_THEMES_LOCAL")
    monkeypatch.setenv("AIGEO_CONFIG", str(tmp_path / "cfg" / "config.toml"))
    assert user_overlay_path() == tmp_path / "cfg" / "themes.local.toml"


def test_missing_explicit_overlay_is_an_error(base: Path, tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match=r"nope\.toml"):
        load_lexicon(base, tmp_path / "nope.toml")
