"""Learning from theme decisions: suggestions, evidence, impact, the overlay, re-theming."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli.group import main
from tui.ingest import LEXICON_META_KEY, classify_items
from tui.model import NewItem
from tui.store import Store
from tui.themes import LexiconError, load_lexicon
from tui.themes.learning import (
    Suggestion,
    _suggest_for_theme,
    find_suggestion,
    learn,
    terms_of,
    z_score,
)
from tui.themes.overlay import accept, append_to_overlay, toml_string
from tui.themes.story_groups import same_stories

MINI = """
[ai_context]
"AI" = { weight = 3.0, case = true }
"artificial intelligence" = 3.0

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

ACCEPTED = [
    ("Commerce adds firms over AI", "The AI firms joined the entity list after a licence "
     "requirement review; foundry capacity in Shenzhen was named."),
    ("AI toolmakers targeted", "Regulators put two AI toolmakers on the entity list, citing "
     "foundry work and a licence requirement for advanced nodes."),
    ("New AI listings", "The entity list grew again as AI accelerator designers were named; "
     "a licence requirement now covers their foundry orders."),
    ("AI chip designers hit", "Officials said the entity list additions target AI chip "
     "designers and their foundry partners."),
]  # fmt: skip
REJECTED = [
    ("AI chatbots in schools", "Teachers debate AI chatbots; a foundry of ideas, one said, "
     "and the entity list of approved apps is short."),
]  # fmt: skip
UNDECIDED_GAIN = [
    (f"Entity list expanded to AI startup {n}", f"AI startup {n} was added this week.")
    for n in range(3)
]
BACKGROUND = [
    (f"AI story {n}", f"An AI lab opened a data centre in region {n}; elections, budgets, "
     "weather and sport were also in the news today.")
    for n in range(20)
]  # fmt: skip

# distinct headlines: copies of one headline are one story, and count once as evidence
LEADS = ["chip firms", "foundry owners", "cloud vendors", "model labs", "tool makers", "fund men"]


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    path = tmp_path / "themes.toml"
    path.write_text(MINI)
    return path


@pytest.fixture
def overlay(tmp_path: Path) -> Path:
    return tmp_path / "themes.local.toml"


def fill(store: Store, lexicon_path: Path) -> dict[str, list[int]]:
    """Store the fixture items, classified with the mini lexicon, and decide on some."""
    lexicon = load_lexicon(lexicon_path, None)
    source_id, _ = store.add_source("https://wire.example/feed", "Wire")
    groups = {
        "accepted": ACCEPTED,
        "rejected": REJECTED,
        "gain": UNDECIDED_GAIN,
        "background": BACKGROUND,
    }
    ids: dict[str, list[int]] = {}
    for name, rows in groups.items():
        items = [NewItem(guid=f"{name}-{n}", title=t, text=x) for n, (t, x) in enumerate(rows)]
        ids[name] = store.save_items(source_id, classify_items(lexicon, items)).new_ids
    for item_id in ids["accepted"]:
        store.set_user_theme(item_id, "chips", True)
    for item_id in ids["rejected"]:
        store.set_user_theme(item_id, "chips", False)
    store.set_user_theme(ids["background"][0], "compute", True)  # one decision: no suggestion
    return ids


def test_terms_and_score_basics() -> None:
    assert {"entity list", "entity", "list", "foundry"} <= terms_of("", "the Entity List; foundry")
    assert "the" not in terms_of("", "the the the") and "ai" not in terms_of("AI", "")
    index = {"artificial": [("artificial", "intelligence")]}
    straddling = terms_of("", "artificial intelligence chips", index)
    assert "chips" in straddling and "intelligence chips" not in straddling
    assert "artificial intelligence" in straddling  # a known phrase itself (filtered later)
    assert z_score(4, 4, 0, 20) > 2.5 > 1 > z_score(2, 4, 10, 20)


def test_name_fragments_and_story_copies_are_no_evidence() -> None:
    names = {"abu": [("abu", "dhabi")]}
    assert terms_of("", "an Abu Dhabi fund", None, names) >= {"fund"}
    fragments = {"abu", "dhabi", "abu dhabi", "dhabi fund"}
    assert not fragments & terms_of("", "Abu Dhabi fund", None, names)
    titles = {
        1: {"interpretability", "team", "maps", "features", "model"},
        2: {"anthropic", "interpretability", "team", "maps", "features"},  # a rewrite of 1
        3: {"chip", "export", "rules", "tighten"},
        4: {"chip", "smuggling", "ring", "caught"},
    }
    assert same_stories(titles) == {1: 1, 2: 1, 3: 3, 4: 4}


def test_support_precision_and_single_words() -> None:
    """Support counts stories; a word needs more of them than a phrase; a phrase mostly
    found in items without the theme is left out, items showing the theme do not count
    against it."""
    terms = {1: {"zorb", "zorb pact", "widely", "treaty"}, 2: {"zorb", "zorb pact", "widely"}}
    terms |= {3: {"zorb pact", "widely"}, 4: {"treaty"}, 5: {"treaty"}}
    terms |= {10 + n: {"widely"} for n in range(4)}  # four items without the theme
    terms |= {20 + n: {"treaty"} for n in range(4)}  # four items already showing it
    terms |= {30 + n: {"filler"} for n in range(200)}
    yes, themed = {1, 2, 3, 4, 5}, set(range(20, 24))
    found = _suggest_for_theme("t", yes, set(), terms, set(), 8, themed=themed)
    by_phrase = {s.phrase: s for s in found}
    # "zorb": in 2 stories (a word needs 3); "widely": 3 of its 7 items have the theme
    assert set(by_phrase) == {"zorb pact", "treaty"}
    assert by_phrase["zorb pact"].accepted == 3
    treaty = by_phrase["treaty"]
    assert treaty.others_themed == 4 and "(4 with the theme)" in treaty.evidence()
    # counted as items without the theme, those four would make it 3 of 7: left out
    assert "treaty" not in {s.phrase for s in _suggest_for_theme("t", yes, set(), terms, set(), 8)}
    # three copies of one story are support 1; "treaty" is then in 2 stories
    copies = {1: 1, 2: 1, 3: 1, 4: 4, 5: 1}
    assert _suggest_for_theme("t", yes, set(), terms, set(), 8, themed=themed, story=copies) == []


def test_decisions_produce_the_expected_top_suggestions(
    store: Store, mini: Path, overlay: Path
) -> None:
    ids = fill(store, mini)
    learned = learn(store, lexicon_path=mini, overlay=overlay)
    by_theme = {t.theme.id: t for t in learned.themes}
    assert set(by_theme) == {"chips", "compute"}
    assert by_theme["compute"].suggestions == [] and "needs 2" in by_theme["compute"].note
    chips = by_theme["chips"]
    assert (chips.accepted, chips.rejected) == (4, 1)
    phrases = [s.phrase for s in chips.suggestions]
    assert phrases[:3] == ["entity list", "licence requirement", "foundry"] or set(phrases[:3]) == {
        "entity list",
        "licence requirement",
        "foundry",
    }
    assert "export controls" not in phrases and "export" not in phrases  # in the lexicon
    assert "entity" not in phrases and "list" not in phrases  # covered by "entity list"
    top = find_suggestion(learned, "chips", "Entity List")
    assert top is not None and top.weight == 1.5
    assert (top.accepted, top.accepted_total, top.rejected, top.rejected_total) == (4, 4, 1, 1)
    assert top.others == 3 and top.others_total == len(ids["gain"]) + len(ids["background"])
    assert top.evidence() == "in 4/4 accepted, 1/1 rejected, 3/23 other items"
    # what accepting it would change: the three undecided items with it in their title
    assert (top.gain, top.lose, top.conflicts) == (3, 0, 0)
    assert top.impact().startswith("+3 items")


def test_accepting_writes_the_overlay_and_rethemes(store: Store, mini: Path, overlay: Path) -> None:
    ids = fill(store, mini)
    learned = learn(store, lexicon_path=mini, overlay=overlay)
    top = find_suggestion(learned, "chips", "entity list")
    assert top is not None
    before = {i: store.get_item(i) for i in ids["gain"]}
    assert all("chips" not in [t.id for t in item.themes] for item in before.values() if item)

    applied, lexicon = accept(store, [top], overlay=overlay, lexicon_path=mini)

    doc = tomllib.loads(overlay.read_text())
    assert doc["themes"] == [{"id": "chips", "phrases": {"entity list": 1.5}}]
    assert "in 4/4 accepted" in overlay.read_text()  # the evidence as a comment
    assert applied.changes["chips"][1] - applied.changes["chips"][0] == 3
    for item_id in ids["gain"]:
        themes = {t.id: t.origin for t in store.get_item(item_id).themes}  # type: ignore[union-attr]
        assert themes.get("chips") == "rule"
    # user decisions survive the re-theme, the rejection included
    assert all(store.user_theme_decisions(i) == {"chips": True} for i in ids["accepted"])
    assert store.user_theme_decisions(ids["rejected"][0]) == {"chips": False}
    assert "chips" not in [t.id for t in store.get_item(ids["rejected"][0]).themes]  # type: ignore[union-attr]
    # now known: learning again does not suggest it, and the lexicon has it
    again = learn(store, lexicon_path=mini, overlay=overlay)
    assert find_suggestion(again, "chips", "entity list") is None
    assert ("themes", "chips", "entity list", 3.75) in lexicon.explain("Entity list", "AI")
    # a second acceptance appends a second table; both load
    second = find_suggestion(again, "chips", "licence requirement")
    assert second is not None
    accept(store, [second], overlay=overlay, lexicon_path=mini)
    assert len(tomllib.loads(overlay.read_text())["themes"]) == 2


def test_hostile_phrase_is_escaped_in_toml(mini: Path, overlay: Path) -> None:
    evil = '</script>\x1b[31m"evil" \\ [[themes]]\nid = "x"\u202e\x00'
    s = Suggestion("chips", evil, 1.5, 3.0, 2, 2, 0, 0, 0, 10)
    append_to_overlay([s], overlay, lexicon_path=mini)
    text = overlay.read_text()
    assert "\x1b" not in text and "\x00" not in text
    assert tomllib.loads(text)["themes"][0]["phrases"] == {evil: 1.5}
    assert load_lexicon(mini, overlay).theme_ids == ["chips", "compute"]
    assert tomllib.loads(f"v = {toml_string(evil)}")["v"] == evil


def test_a_phrase_the_lexicon_cannot_use_leaves_the_overlay_alone(
    mini: Path, overlay: Path
) -> None:
    overlay.write_text("# mine\n")
    with pytest.raises(LexiconError):
        append_to_overlay(
            [Suggestion("chips", "--", 1.5, 3.0, 2, 2, 0, 0, 0, 10)], overlay, lexicon_path=mini
        )
    assert overlay.read_text() == "# mine\n"
    assert [p.name for p in overlay.parent.iterdir() if p.name.startswith(".themes.")] == []


def test_cli_learned_json_and_accept(db_path: Path, tmp_path: Path) -> None:
    # the CLI works on the shipped lexicon plus the user's overlay (AIGEO_THEMES_LOCAL)
    with Store.open(db_path) as store:
        source_id, _ = store.add_source("https://wire.example/feed", "Wire")
        lexicon = load_lexicon()
        items = [
            NewItem(guid=f"a{n}", title=f"AI {lead} and the zorblat regime",
                    text="Artificial intelligence chips and the zorblat regime.")
            for n, lead in enumerate(LEADS[:3])
        ]  # fmt: skip
        items += [NewItem(f"b{n}", f"AI model {n}", text="AI models from firms.") for n in range(5)]
        new = store.save_items(source_id, classify_items(lexicon, items)).new_ids
        for item_id in new[:3]:
            store.set_user_theme(item_id, "chips", True)
    runner = CliRunner()
    out = runner.invoke(main, ["learned", "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    chips = next(t for t in doc["themes"] if t["id"] == "chips")
    assert chips["accepted"] == 3 and chips["suggestions"][0]["phrase"] == "zorblat regime"
    assert {"evidence", "impact", "gain", "score", "weight"} <= set(chips["suggestions"][0])
    out = runner.invoke(main, ["learned", "--accept", "chips=zorblat regime"])
    assert out.exit_code == 0, out.output
    assert "zorblat regime" in (tmp_path / "themes.local.toml").read_text()
    out = runner.invoke(main, ["learned", "--accept", "chips=no such phrase"])
    assert out.exit_code != 0 and "not a current suggestion" in out.output


def test_accepting_with_the_shipped_lexicon_keeps_the_model(tmp_path: Path) -> None:
    """The re-theme after accepting blends the model retrained against the new lexicon
    (as `aigeo retheme` does), instead of dropping it until the next retheme."""
    model_path, overlay = tmp_path / "model.json", tmp_path / "themes.local.toml"
    with Store.memory() as store:
        source_id, _ = store.add_source("https://wire.example/feed", "Wire")
        lexicon = load_lexicon(overlay=None)
        items = [
            NewItem(guid=f"a{n}", title=f"AI {lead} and the zorblat regime",
                    text="Artificial intelligence chips and the zorblat regime.")
            for n, lead in enumerate(LEADS)
        ]  # fmt: skip
        items += [NewItem(f"b{n}", f"AI model {n}", text="AI models from firms.") for n in range(5)]
        new = store.save_items(source_id, classify_items(lexicon, items)).new_ids
        for item_id in new[:6]:
            store.set_user_theme(item_id, "chips", True)
        top = find_suggestion(learn(store, overlay=overlay), "chips", "zorblat regime")
        assert top is not None
        applied, blended = accept(store, [top], overlay=overlay, model_path=model_path)
        assert blended.model is not None and model_path.is_file()
        assert store.get_meta(LEXICON_META_KEY) == blended.version  # re-themed with it
        assert applied.phrases == 1
        # with a mini lexicon (no user model belongs to it) nothing is trained
        model_path.unlink()
        mini = tmp_path / "mini.toml"
        mini.write_text(MINI)
        second = Suggestion("chips", "zorblat", 1.0, 3.0, 6, 6, 0, 0, 0, 5)
        _, rules = accept(store, [second], overlay=tmp_path / "o2.toml", lexicon_path=mini)
        assert rules.model is None and not model_path.exists()
