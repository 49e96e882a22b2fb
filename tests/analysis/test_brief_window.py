"""Briefs over a fixed fixture with known dates: the [since, at) window, the lead's
counts against `trends --json`, strict-parser HTML, notes, "new since the last brief"."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner, Result

from tests.analysis.test_brief import HOSTILE, fill
from tests.support.newsdata import ARTICLES, Article
from tui.analysis.brief import summarize
from tui.cli.group import main
from tui.model import ItemQuery
from tui.store import Store
from tui.store.notes import set_note

SINCE, AT = "2025-04-14T00:00:00+00:00", "2025-04-21T00:00:00+00:00"  # --at 2025-04-20 7d
EDGES = (  # the window's edges: `since` is in it, `at` is not
    Article(
        "Border Post",
        "edge-in",
        "edge-in",
        SINCE,
        "Japan tightens export controls on AI chips and chipmaking tools to China",
        "Japan's trade ministry said it would require licences for exports of lithography "
        "equipment and advanced AI chips to China, widening its semiconductor export controls.",
    ),
    Article(
        "Border Post",
        "edge-out",
        "edge-out",
        AT,
        "South Korea adds HBM memory to its export controls on AI chips",
        "South Korea's industry ministry placed HBM memory, AI chips and chipmaking equipment "
        "under export controls, citing national security and China.",
    ),
    Article(
        "Border Post",
        "edge-before",
        "edge-before",
        "2025-04-13T23:59:59+00:00",
        "Taiwan adds Huawei and SMIC to its export controls entity list for AI chips",
        "Taiwan's economy ministry added Huawei and SMIC to its Entity List, restricting "
        "exports of advanced AI chips and semiconductor manufacturing equipment to China.",
    ),
)


def run(db_path: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(db_path), *args])


def _filled(db_path: Path, extra: tuple[Article, ...] = ()) -> None:
    with Store.open(db_path) as store:
        fill(store, ARTICLES + EDGES + extra)


def _brief(db_path: Path, *args: str) -> dict[str, object]:
    result = run(db_path, "brief", "--at", "2025-04-20", "--since", "7d", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _listed_urls(document: dict[str, object]) -> set[str]:
    return {
        source["url"]
        for section in document["sections"]  # type: ignore[union-attr]
        for story in section["stories"]
        for source in story["sources"]
    }


def test_brief_lists_exactly_the_items_inside_since_at(db_path: Path) -> None:
    _filled(db_path)
    document = _brief(db_path)
    assert (document["since"], document["until"]) == (SINCE, AT)
    with Store.open(db_path) as store:
        inside = store.list_items(ItemQuery(since=SINCE, before=AT, limit=1000))
    expected = {row.url for row in inside if row.themes}
    assert _listed_urls(document) == expected
    guids = {url.rsplit("/", 1)[1] for url in expected}
    # the known news of that week, and the edge that is on `since`
    assert guids >= {"wire-h20", "am-h20-licence", "td-nvidia-h20", "edge-in"}
    assert not guids & {"edge-out", "edge-before", "td-qwen3", "wire-eu-code"}
    stories = run(db_path, "stories", "--at", "2025-04-20", "--since", "7d", "--json")
    titles = {row["title"] for row in json.loads(stories.stdout)}
    assert not any("Qwen" in t or "Stargate" in t for t in titles)


def test_lead_counts_match_trends_json(db_path: Path) -> None:
    _filled(db_path)
    lead = _brief(db_path)["lead"]
    trends = json.loads(run(db_path, "trends", "--json", "--at", "2025-04-20").stdout)
    themes = {t["id"]: t for t in trends["themes"]}
    actors = {t["name"]: t for t in trends["actors"]}
    assert lead["themes"] and lead["actors"]  # type: ignore[index]
    for entry in lead["themes"]:  # type: ignore[index]
        theirs = themes[entry["label"]]
        assert entry["this_week"] == theirs["this_week"]
        assert entry["this_week_articles"] == theirs["this_week_articles"]
        assert entry["previous"] == theirs["previous_week"]
        assert entry["rising"] == theirs["rising"]
    for entry in lead["actors"]:  # type: ignore[index]
        theirs = actors[entry["label"]]
        assert (entry["this_week"], entry["previous"]) == (
            theirs["this_week"],
            theirs["previous_week"],
        )
    chips = next(e for e in lead["themes"] if e["label"] == "chips")  # type: ignore[index]
    # H20 (three outlets), the Dutch ASML curbs (two) and the edge story: three stories,
    # six articles (the ASML export curbs count as chips since the issue-13 lexicon)
    assert (chips["this_week"], chips["this_week_articles"]) == (3, 6)
    assert "3 stories, 6 articles" in lead["text"]  # type: ignore[index]


def test_html_is_well_formed_xml_with_no_script_and_only_http_links(
    db_path: Path, tmp_path: Path
) -> None:
    """xml.etree (expat) is the strict parser: any unescaped `<` or `&`, unclosed tag or
    stray control character in the page is a parse error, where html5lib would repair it
    silently. So the page is written as polyglot XHTML."""
    hostile = Article(
        HOSTILE.outlet, HOSTILE.guid, HOSTILE.story, "2025-04-18T10:00:00+00:00",
        HOSTILE.title + " \x1b[31m\u202e", HOSTILE.text + " ]]> <!-- &amp; \x07",
    )  # fmt: skip
    _filled(db_path, (hostile,))
    with Store.open(db_path) as store:
        (row,) = store.list_items(ItemQuery(search="treaty"))
        set_note(store, row.id, "<script>alert(1)</script> & check </div>\nsecond line")
    out = tmp_path / "brief.html"
    assert run(db_path, "brief", "--at", "2025-04-20", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    root = ET.fromstring(page.split("\n", 1)[1])  # after the <!DOCTYPE html> line
    ns = "{http://www.w3.org/1999/xhtml}"
    assert not list(root.iter(f"{ns}script"))
    assert not any(e.get(a, "").lower().startswith("on") for e in root.iter() for a in e.attrib)
    assert not [a for e in root.iter() for a in e.attrib if a.lower().startswith("on")]
    hrefs = [a.get("href", "") for a in root.iter(f"{ns}a")]
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    assert not list(root.iter(f"{ns}img")) and "<script" not in page
    text = "".join(root.itertext())
    assert "<script>alert(1)</script> & check" in text  # the note, shown as text
    assert "\x1b" not in page and "\u202e" not in page


def test_notes_under_their_items_and_new_since_the_previous_brief(db_path: Path) -> None:
    _filled(db_path)
    with Store.open(db_path) as store:
        rows = store.list_items(ItemQuery(since=SINCE, before=AT))
        row = next(r for r in rows if (r.url or "").endswith("/am-h20-licence"))
        set_note(store, row.id, "Ask Beijing's ministry about the timing")
    assert run(db_path, "watch", "chips week", "theme:chips").exit_code == 0
    first = _brief(db_path, "--view", "chips week")
    assert first["previous_brief"] is None and first["view"] == "chips week"
    stories = [s for sec in first["sections"] for s in sec["stories"]]  # type: ignore[union-attr]
    h20 = next(s for s in stories if "am-h20-licence" in str(s["sources"]))
    assert h20["notes"] == [
        {"source": "Asia Markets", "note": "Ask Beijing's ministry about the timing"}
    ]
    markdown = run(
        db_path, "brief", "--at", "2025-04-20", "--view", "chips week", "--no-record"
    ).stdout
    assert "Note (Asia Markets): Ask Beijing's ministry" in markdown
    # a week later: the H20 and ASML stories were in the last brief, the new one is NEW
    later = Article(
        "Border Post", "later", "later", "2025-04-19T09:00:00+00:00",
        "Malaysia requires permits under export controls for US AI chips",
        "Malaysia's trade ministry said exporters of US-made AI chips such as Nvidia GPUs "
        "must obtain a permit under new export controls before shipping them to China.",
    )  # fmt: skip
    with Store.open(db_path) as store:
        fill(store, (later,))
    second = _brief(db_path, "--view", "chips week")
    assert second["previous_brief"] is not None
    marks = {
        s["title"]: s["new"]
        for sec in second["sections"]  # type: ignore[union-attr]
        for s in sec["stories"]
    }
    assert marks[later.title] is True
    assert not any(new for title, new in marks.items() if "H20" in title)
    assert second["new_stories"] == 1


def test_summary_keeps_real_sentences_starting_with_updated() -> None:
    text = (
        "Updated export rules for advanced chips take effect on Monday, the Commerce "
        "Department said in a notice. More follows."
    )
    assert summarize("Chip rules", text).startswith("Updated export rules for advanced chips")
    stamped = (
        "Updated 14:05 GMT, 3 March 2025: The European Commission published the third draft "
        "of the general-purpose AI code of practice on Tuesday."
    )
    assert summarize("GPAI code", stamped).startswith("The European Commission published")
