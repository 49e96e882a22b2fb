"""Tests for the seed corpus files in seeds/ and their reader, tui.corpus."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from tui.config import seeds_dir
from tui.corpus import (
    SeedDocument,
    SeedError,
    markdown_to_text,
    read_seed_document,
    read_seed_documents,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Page furniture found in the raw scrapes; none of it may reach a seed's body, text or title.
BOILERPLATE = [
    "Support Fair Observer",
    "Will you support",
    "Comments",
    "No comments yet",
    "Try Our AI Features",
    "Get a daily email",
    "Similar Posts",
    "Summary based on",
    "Related Articles",
    "The views expressed",
    "Explore what Daily8",
    "hours ago",
    "a day ago",
    "Cyberpunk DeepSeek illustration",
    "Image: Cybermediateinment",
    "design by cybermediateinment",
    "image>data:",
    "dg-publish",
]

# The openings of the twelve summary sentences of the aggregator page (raw file 003).
SUMMARY_SENTENCES = [
    "This strategy echoes early internet giants' tactics",
    "China's open-source AI strategy, exemplified by firms like DeepSeek",
    "This open-source approach allows China to compete on the world stage",
    "US companies such as OpenAI are becoming more cautious",
    "Developed at a low cost of less than $6 million",
    "However, Chinese models face limitations due to strict censorship",
    "The recent release of DeepSeek's open-source AI model, R1",
    "US export restrictions on chips supported its previous dominance",
    "Industry leaders in the US are beginning to recognize",
    "Open-sourcing in China is part of a broader industrial strategy",
    "The US market reacted sharply to DeepSeek's announcement",
    "Ironically, US technological dominance might ultimately benefit",
]

MAIN_002 = "002-why-the-future-of-ai-may-be-open-and-chinese"
RELATED = {
    "005-ai-da-portrait-king-charles": "Qatar Tribune",
    "006-us-crypto-week-bitcoin-record": "Al Jazeera",
    "007-china-luxury-hotels-street-food": "Qatar Tribune",
}


@pytest.fixture(scope="module")
def docs() -> list[SeedDocument]:
    """Every shipped seed document."""
    return read_seed_documents(SEEDS)


@pytest.fixture(scope="module")
def by_guid(docs: list[SeedDocument]) -> dict[str, SeedDocument]:
    """The shipped seeds keyed by guid."""
    return {d.guid: d for d in docs}


def front_matter(guid: str) -> dict[str, object]:
    """The raw front matter of a shipped seed, for fields the reader does not expose."""
    return tomllib.loads((SEEDS / f"{guid}.md").read_text(encoding="utf-8").split("+++\n")[1])


# --- the shipped corpus ---------------------------------------------------------------


def test_every_seed_file_parses(docs: list[SeedDocument]) -> None:
    files = sorted(p.stem for p in SEEDS.glob("*.md"))
    assert files, "no seed documents in seeds/"
    assert [d.guid for d in docs] == files
    for d in docs:
        assert d.title.strip() and d.outlet.strip(), d.guid
        assert d.lang == "en", d.guid
        assert d.body.strip() and d.text.strip(), d.guid
        assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", str(front_matter(d.guid)["origin"]))


def test_default_directory_is_the_shipped_seeds(docs: list[SeedDocument]) -> None:
    assert seeds_dir().resolve() == SEEDS
    assert read_seed_documents() == docs


def test_guids_are_unique_stable_stems(docs: list[SeedDocument]) -> None:
    guids = [d.guid for d in docs]
    assert len(guids) == len(set(guids))
    for d in docs:
        assert re.fullmatch(r"\d{3}-[a-z0-9]+(?:-[a-z0-9]+)*", d.guid), d.guid
        assert (SEEDS / f"{d.guid}.md").is_file()
    numbers = [g[:3] for g in guids]
    assert len(numbers) == len(set(numbers))


def test_published_dates_are_utc_iso(by_guid: dict[str, SeedDocument]) -> None:
    for d in by_guid.values():
        if d.published is not None:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", d.published), d.guid
        meta = front_matter(d.guid)
        if "date" in meta and not d.guid.startswith("003-"):
            assert "date_note" in meta, f"{d.guid}: inferred date without a date_note"
    assert by_guid[MAIN_002].published == "2025-07-09T00:00:00+00:00"
    assert by_guid["003-china-open-source-ai-strategy-summary"].published == (
        "2025-07-09T00:00:00+00:00"
    )


def test_related_items_are_split_out_and_point_at_their_page(
    by_guid: dict[str, SeedDocument],
) -> None:
    for guid, outlet in RELATED.items():
        d = by_guid[guid]
        assert d.role == "related"
        assert d.page == MAIN_002
        assert d.outlet == outlet
    for d in by_guid.values():
        if d.role is not None:
            assert d.role == "related", d.guid
            assert d.page in by_guid, f"{d.guid}: page {d.page!r} is not a seed"
            assert by_guid[d.page].role is None, f"{d.guid}: page is not a main item"
    main = by_guid[MAIN_002]
    assert main.role is None and main.page is None
    assert "Bitcoin" not in main.text and "Ai-Da" not in main.text
    assert "street vendor" not in main.text
    assert "Crypto Week" in by_guid["006-us-crypto-week-bitcoin-record"].text


def test_no_boilerplate_survives(docs: list[SeedDocument]) -> None:
    for d in docs:
        for phrase in BOILERPLATE:
            for field in (d.title, d.body, d.text):
                assert phrase.lower() not in field.lower(), f"{d.guid}: {phrase!r}"
        lines = {line.strip() for line in d.body.splitlines()}
        assert "Comment" not in lines, d.guid
        assert "Source" not in lines, d.guid


def test_summary_sentences_appear_once(by_guid: dict[str, SeedDocument]) -> None:
    summary = by_guid["003-china-open-source-ai-strategy-summary"]
    for sentence in SUMMARY_SENTENCES:
        assert summary.text.count(sentence) == 1, sentence
    bullets = [line for line in summary.body.splitlines() if line.startswith("- ")]
    assert len(bullets) == len(SUMMARY_SENTENCES)
    assert len(set(bullets)) == len(bullets)
    assert front_matter(summary.guid)["summary_of"] == MAIN_002


def test_digital_garden_note_keeps_tags_and_permalink(by_guid: dict[str, SeedDocument]) -> None:
    note = by_guid["004-ai-geopolitics-and-the-open-model-question"]
    assert note.title == "AI Geopolitics and the Open Model Question"
    assert note.tags == ("open-source", "AI-race", "infrastructure", "DeepSeek", "china")
    assert note.url is None
    meta = front_matter(note.guid)
    assert meta["permalink"] == "/ai-geopolitics-and-the-open-model-question/"
    assert "| Approach |" in note.body  # the Markdown table is kept in the body


def test_text_has_no_markdown_left(docs: list[SeedDocument]) -> None:
    for d in docs:
        assert "**" not in d.text, d.guid
        assert "|" not in d.text, d.guid
        assert "\n\n\n" not in d.text, d.guid
        for line in d.text.splitlines():
            assert not line.startswith(("#", ">", "- ", "* ", "+ ")), f"{d.guid}: {line!r}"
            assert not re.fullmatch(r"\s*([-*_])(\s*\1){2,}\s*", line), f"{d.guid}: {line!r}"
            assert not re.match(r"\d+[.)] ", line), f"{d.guid}: {line!r}"
    note = next(d for d in docs if d.guid.startswith("004-"))
    assert "Closed/Proprietary; OpenAI, Anthropic;" in note.text
    assert "\n\nCore Claim\n\n" in "\n\n" + note.text


# --- markdown_to_text ------------------------------------------------------------------


def test_markdown_to_text_strips_syntax_and_keeps_paragraphs() -> None:
    markdown = (
        "## A heading ##\n\nSome **bold**, *em*, _under_ and `code`; snake_case stays.\n\n"
        "> quoted\n>\n> more\n\n- one\n- two\n1. first\n\n---\n\n"
        "| a | b |\n|---|:-:|\n| **x** | y |\n\n[link](https://example.org) ![alt](i.png)\n"
    )
    assert markdown_to_text(markdown) == (
        "A heading\n\nSome bold, em, under and code; snake_case stays.\n\n"
        "quoted\n\nmore\n\none\ntwo\nfirst\n\na; b\nx; y\n\nlink alt"
    )


def test_markdown_to_text_keeps_hashtags_and_escapes() -> None:
    assert markdown_to_text("#ChipsAct and \\*literal\\* stars") == "#ChipsAct and *literal* stars"


# --- reader errors -------------------------------------------------------------------------


def write(tmp_path: Path, name: str, content: str) -> Path:
    """Write one seed file into tmp_path."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_reads_a_minimal_seed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "010-x.md",
        '+++\ntitle = "T"\noutlet = "O"\ndate = 2025-07-09T02:00:00+02:00\n'
        'tags = ["a"]\n+++\n\n# H\n\nBody.\n',
    )
    doc = read_seed_document(path)
    assert doc.guid == "010-x"
    assert doc.published == "2025-07-09T00:00:00+00:00"
    assert doc.tags == ("a",)
    assert doc.body == "# H\n\nBody.\n"
    assert doc.text == "H\n\nBody."
    assert doc.author is None and doc.url is None and doc.role is None


def test_string_date_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "011-x.md", '+++\ntitle = "T"\ndate = "2025-02-03"\n+++\nBody\n')
    assert read_seed_document(path).published == "2025-02-03T00:00:00+00:00"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("Just text, no front matter.\n", "no front matter"),
        ('---\ntitle = "T"\n---\nBody\n', "no front matter"),
        ('+++\ntitle = "T"\nBody\n', "not closed"),
        ('+++\ntitle = "T\n+++\nBody\n', "malformed TOML"),
        ("+++\ntitle = T\n+++\nBody\n", "malformed TOML"),
        ('+++\noutlet = "O"\n+++\nBody\n', "no title"),
        ('+++\ntitle = "  "\n+++\nBody\n', "no title"),
        ('+++\ntitle = "T"\ndate = "9 July 2025"\n+++\nBody\n', "bad date"),
        ('+++\ntitle = "T"\ndate = "2025-13-01"\n+++\nBody\n', "bad date"),
        ('+++\ntitle = "T"\ndate = 12:00:00\n+++\nBody\n', "bad date"),
        ('+++\ntitle = "T"\ntags = "x"\n+++\nBody\n', "tags"),
        ('+++\ntitle = "T"\nrole = "related"\n+++\nBody\n', "page"),
    ],
)
def test_bad_seed_raises_seed_error_naming_the_file(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = write(tmp_path, "099-bad.md", content)
    with pytest.raises(SeedError) as info:
        read_seed_document(path)
    assert "099-bad.md" in str(info.value)
    assert problem in str(info.value)
    assert isinstance(info.value, ValueError)


def test_directory_reads_only_markdown_sorted_and_fails_on_a_bad_file(tmp_path: Path) -> None:
    write(tmp_path, "002-b.md", '+++\ntitle = "B"\n+++\nB\n')
    write(tmp_path, "001-a.md", '+++\ntitle = "A"\n+++\nA\n')
    write(tmp_path, "notes.txt", "not a seed")
    assert [d.guid for d in read_seed_documents(tmp_path)] == ["001-a", "002-b"]
    write(tmp_path, "003-c.md", "no front matter\n")
    with pytest.raises(SeedError, match=re.escape("003-c.md")):
        read_seed_documents(tmp_path)
    with pytest.raises(SeedError, match="not found"):
        read_seed_documents(tmp_path / "missing")


def test_a_loaded_corpus_is_not_parsed_again_and_an_edit_is_picked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading the seeds again costs a read of their bytes, not a parse (tui.ingest,
    which imports tui.corpus only to parse); a changed seed file is loaded again."""
    import shutil

    from tui import corpus, ingest
    from tui.store import Store

    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), seeds, ignore=shutil.ignore_patterns("*.toml"))
    monkeypatch.setattr(ingest, "seeds_dir", lambda: seeds)
    monkeypatch.setattr(corpus, "read_seed_documents", lambda: read_seed_documents(seeds))
    with Store.open(tmp_path / "a.db") as store:
        first = ingest.load_seed_corpus(store)
        assert first.result is not None and first.result.new_ids

        def no_parsing() -> list[SeedDocument]:
            raise AssertionError("parsed the seeds although nothing changed")

        monkeypatch.setattr(corpus, "read_seed_documents", no_parsing)
        again = ingest.load_seed_corpus(store)
        assert again.result is None and again.documents == first.documents
        monkeypatch.setattr(corpus, "read_seed_documents", lambda: read_seed_documents(seeds))
        edited = sorted(seeds.glob("*.md"))[0]
        edited.write_text(edited.read_text("utf-8") + "\nOne more paragraph.\n", "utf-8")
        changed = ingest.load_seed_corpus(store)
        assert changed.result is not None and len(changed.result.updated_ids) == 1
