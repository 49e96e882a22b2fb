"""The learned theme model, "why this theme?", and dismissing suggestions (issue 13).

Real parts: a database file, the CLI as users call it, the shipped lexicon.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.support.themes_devset import load_devset
from tui.cli.group import main
from tui.ingest import LEXICON_META_KEY, lexicon_is_stale
from tui.model import Classification, ItemQuery, NewItem
from tui.store import Store
from tui.themes import load_lexicon
from tui.themes.dismissed import dismissed, is_topical
from tui.themes.learning import learn
from tui.themes.model import Example, ThemeWeights, UserModel, train, user_model_path
from tui.themes.training import retrain

ODD = "quorvex"  # a word no lexicon entry knows


def _cli(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.output


def _fill(store: Store, texts: list[tuple[str, str]]) -> list[int]:
    source_id, _ = store.add_source("https://a.test/feed", "A")
    lex = load_lexicon()
    entries = [
        (NewItem(guid=f"g{n}", title=t, text=x, content_hash=f"h{n}"), lex.classify(t, x))
        for n, (t, x) in enumerate(texts)
    ]
    store.save_items(source_id, entries)
    return sorted(r.id for r in store.list_items(ItemQuery(limit=1000)))


def test_a_model_at_its_prior_says_what_the_lexicon_says() -> None:
    lex = load_lexicon(overlay=None)
    prior = UserModel(lex.theme_ids, {i: ThemeWeights() for i in range(len(lex.theme_ids))})
    blended = lex.with_model(prior)
    assert blended.version != lex.version
    for item in load_devset()[:200]:
        assert blended.classify(item.title, item.summary) == lex.classify(item.title, item.summary)


def test_decisions_teach_a_theme_the_lexicon_misses() -> None:
    lex = load_lexicon(overlay=None)
    safety = lex.theme_ids.index("safety")
    examples = []
    for n in range(12):
        with_word = n % 2 == 0
        title = f"AI model {ODD} update {n}" if with_word else f"AI model release {n}"
        _, raw, feats = lex.raw_scores(title, "A new large language model.")
        examples.append(Example(raw, feats, {safety: (with_word, 1.0)}))
    model = train(lex.theme_ids, lex.thresholds, examples)
    learned = lex.with_model(model)
    unseen = f"Lab ships AI model {ODD} for coders", "A new large language model."
    assert "safety" not in lex.classify(*unseen).theme_ids()
    assert "safety" in learned.classify(*unseen).theme_ids()
    plain = "Lab ships AI model for coders", "A new large language model."
    assert "safety" not in learned.classify(*plain).theme_ids()
    assert learned.classify("Bitcoin hits a record", f"Crypto {ODD} prices.").themes == ()


def test_retheme_trains_the_model_and_keeps_every_decision(store: Store) -> None:
    body = "A new large language model from a lab."
    texts = [(f"AI model {ODD} news {n}", body) for n in range(8)]
    texts += [("EU AI Act enters into force", "Regulation of frontier AI models.")]
    ids = _fill(store, texts)
    for item_id in ids[:6]:
        store.set_user_theme(item_id, "safety", True)
    store.set_user_theme(ids[-1], "governance", False)
    decisions = store.user_decisions()
    store.close()

    code, out = _cli("retheme", "--json")
    assert code == 0, out
    path = user_model_path()
    assert path.is_file()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["decisions"] == 7 and "safety" in saved["themes"]

    again = Store.open(store.path)
    try:
        assert again.user_decisions() == decisions  # every decision kept as it was
        lexicon = load_lexicon()  # the shipped lexicon with the user's model blended in
        assert lexicon.model is not None
        assert again.get_meta(LEXICON_META_KEY) == lexicon.version
        assert not lexicon_is_stale(again, lexicon)
        undecided = again.get_item(ids[6])
        assert undecided is not None and "safety" in [t.id for t in undecided.themes]
        user_reject = again.get_item(ids[-1])
        assert user_reject is not None and "governance" not in [t.id for t in user_reject.themes]
    finally:
        again.close()


def test_too_few_decisions_train_nothing(store: Store, tmp_path: Path) -> None:
    ids = _fill(store, [("AI model news", "A new large language model.")])
    store.set_user_theme(ids[0], "safety", True)
    target = tmp_path / "model.json"
    target.write_text("{}", encoding="utf-8")
    lexicon = retrain(store, load_lexicon(), target)
    assert lexicon.model is None and not target.exists()


def test_a_broken_model_file_is_ignored() -> None:
    user_model_path().write_text("not json", encoding="utf-8")
    assert load_lexicon().model is None
    assert load_lexicon().classify("EU AI Act", "Regulation.").theme_ids()


def test_classify_json_says_why() -> None:
    line = json.dumps({"id": 7, "title": "US tightens AI chip export controls on China"})
    code, out = _cli("classify", input=line + "\n")
    assert code == 0
    doc = json.loads(out)
    assert {"chips", "us-china"} <= {t["id"] for t in doc["themes"]}
    chips = [h["phrase"] for h in doc["why"]["themes"]["chips"]]
    assert "export controls" in chips
    assert "china" in doc["why"]["actors"]["China"]
    assert all(h["score"] > 0 for hits in doc["why"]["themes"].values() for h in hits)


def test_items_json_says_why_for_rule_themes_only(store: Store) -> None:
    ids = _fill(store, [("DeepSeek releases open-weight model", "Open weights under MIT.")])
    store.set_user_theme(ids[0], "defense", True)
    store.close()
    code, out = _cli("items", "--json")
    assert code == 0
    (row,) = [r for r in json.loads(out) if r["id"] == ids[0]]
    assert "open-models" in row["why"]["themes"]
    assert row["why"]["themes"]["open-models"][0]["phrase"]
    assert "defense" not in row["why"]["themes"]  # the user's decision needs no reason


def test_suggestions_are_topical_phrases() -> None:
    actors = load_lexicon().alias_phrases()
    assert "nvidia" in actors and "meta" in actors
    for generic in ("argues", "build", "including", "meta", "nvidia", "said new"):
        assert not is_topical(generic, actors), generic
    assert is_topical("wafer fab", actors)


def test_a_dismissed_suggestion_is_never_suggested_again(store: Store) -> None:
    leads = ["lab reports", "startup shows", "team tests", "group unveils", "firm tries", "dean"]
    texts = [(f"AI {lead} quantum annealer", "A large language model.") for lead in leads]
    texts += [(f"AI model release {n}", "A large language model.") for n in range(6)]
    ids = _fill(store, texts)
    for item_id in ids[:6]:
        store.set_user_theme(item_id, "talent-research", True)
    suggested = {s.phrase for s in learn(store, impacts=False).suggestions()}
    assert "quantum annealer" in suggested
    store.close()
    code, out = _cli("learned", "--dismiss", "talent-research=Quantum annealer")
    assert code == 0 and "dismissed" in out
    again = Store.open(store.path)
    try:
        assert ("talent-research", "quantum annealer") in dismissed(again)
        left = {s.phrase for s in learn(again, impacts=False).suggestions()}
        assert "quantum annealer" not in left
    finally:
        again.close()


def test_dismiss_needs_theme_and_phrase(db_path: Path) -> None:
    result = CliRunner().invoke(main, ["learned", "--dismiss", "nothing"])
    assert result.exit_code != 0 and "THEME=PHRASE" in result.output


@pytest.mark.parametrize("bad", [Classification()])
def test_model_never_themes_a_non_ai_item(bad: Classification) -> None:
    lex = load_lexicon(overlay=None)
    model = UserModel(lex.theme_ids, {0: ThemeWeights(bias=50.0)})
    assert lex.with_model(model).classify("Hotel serves street food", "Noodles.") == bad


def test_shown_themes_left_in_place_are_weak_yeses(store: Store) -> None:
    """Editing an item's themes leaves the right ones ticked: those are kept, not rejected."""
    from tui.themes.training import IMPLICIT_WEIGHT, KEPT_WEIGHT, examples_from_store

    lexicon = load_lexicon(overlay=None)
    title, text = "EU AI Act enters into force", "Regulation of frontier AI models in Europe."
    shown = lexicon.classify(title, text).theme_ids()
    assert "governance" in shown and "defense" not in shown
    (item_id,) = _fill(store, [(title, text)])
    store.set_user_theme(item_id, "defense", True)  # the user adds one theme, nothing else
    examples, decisions = examples_from_store(store, lexicon)
    assert decisions == 1 and len(examples) == 1
    labels = examples[0].labels
    index = {tid: i for i, tid in enumerate(lexicon.theme_ids)}
    assert labels[index["defense"]] == (True, 1.0)
    for tid in shown:
        assert labels[index[tid]] == (True, KEPT_WEIGHT)
    for tid in set(lexicon.theme_ids) - set(shown) - {"defense"}:
        assert labels[index[tid]] == (False, IMPLICIT_WEIGHT)


def test_a_theme_threshold_moves_only_with_many_decisions() -> None:
    """The bias shifts every item of a theme, so a few adds barely move it (L2_BIAS),
    while many consistent ones do."""
    from tui.themes.model import L2_BIAS

    thresholds = [3.0]
    just_below = [2.4]  # ratio 0.8: the lexicon says no

    def bias_after(n: int) -> float:
        rows = [Example(just_below, frozenset(), {0: (True, 1.0)}) for _ in range(n)]
        return train(["t"], thresholds, rows).weights[0].bias

    few, many = bias_after(10), bias_after(int(20 * L2_BIAS))
    assert 0 < few < 0.1
    assert many > 10 * few
