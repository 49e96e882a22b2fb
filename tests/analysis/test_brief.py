"""Briefs: structure of the Markdown, escaping in HTML, valid JSON, summaries, the CLI."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from tests.analysis.test_stories import new_item
from tests.support.newsdata import ARTICLES, Article
from tui.analysis.brief import Brief, build_brief, summarize
from tui.analysis.render import format_for_path, to_html, to_json, to_markdown
from tui.cli.group import main
from tui.model import ItemQuery, NewItem
from tui.store import Store
from tui.themes import load_lexicon

SINCE = datetime(2025, 1, 1, tzinfo=UTC)
NOW = datetime(2025, 8, 1, 12, tzinfo=UTC)
HOSTILE = Article(
    "Evil <b>Outlet</b>",
    "evil",
    "evil",
    "2025-07-20T10:00:00+00:00",
    "<script>alert('x')</script> OpenAI and China sign an AI treaty [click](javascript:x)",
    "OpenAI and China agreed on an AI safety treaty <img src=x onerror=alert(1)> covering "
    "model evaluations, the state media said on Sunday. **Bold** claims & more.",
)


def fill(store: Store, articles: list[Article] | tuple[Article, ...]) -> None:
    lexicon = load_lexicon()
    for article in articles:
        source, _ = store.add_source(f"https://{abs(hash(article.outlet))}.example/feed")
        store.update_source(source, title=article.outlet)
        item = new_item(article)
        if article.guid == "evil":
            item.url = "javascript:alert(1)"
        store.save_items(source, [(item, lexicon.classify(item.title, item.text))])


def fixed_brief(extra: tuple[Article, ...] = ()) -> Brief:
    store = Store.memory()
    fill(store, ARTICLES + extra)
    return build_brief(store, load_lexicon().themes, ItemQuery(), SINCE, NOW)


def test_summary_is_the_first_informative_sentence() -> None:
    text = (
        "Photo: Getty Images. Nvidia warns of charge. Nvidia said on Tuesday it would take a "
        "$5.5 billion charge after the US government told the company it needs a licence. "
        "More follows."
    )
    assert summarize("Nvidia warns of charge", text) == (
        "Nvidia said on Tuesday it would take a $5.5 billion charge after the US government "
        "told the company it needs a licence."
    )
    long = "word " * 100 + "."
    assert len(summarize("", long)) <= 220 and summarize("", long).endswith("…")
    hostile = "The post X appeared first on Y. \x1b[31mA real sentence about AI chips and more."
    assert summarize("t", hostile) == "A real sentence about AI chips and more."  # no escape


def test_markdown_has_a_heading_per_theme_and_bullets_with_sources_and_links() -> None:
    brief = fixed_brief()
    markdown = to_markdown(brief)
    headings = re.findall(r"^## (.+)$", markdown, re.MULTILINE)
    names = {t.id: t.name for t in load_lexicon().themes}
    assert headings == [s.name for s in brief.sections]
    assert names["chips"] in headings and names["governance"] in headings
    assert markdown.startswith("# AI geopolitics brief: 2025-01-01 to 2025-08-01\n")
    chips = markdown.split(f"## {names['chips']}\n", 1)[1].split("\n## ", 1)[0]
    bullets = re.findall(r"^- \*\*\[(.+?)\]\((https://[^)]+)\)\*\* \((.+?)\): (.+)$", chips, re.M)
    assert bullets, chips
    first_title, _link, meta, summary = bullets[0]
    assert "Nvidia" in first_title and meta.startswith("Wire, 2025-04-15")  # 3 sources: first
    assert "5.5 billion charge" in summary
    sources = re.findall(r"^  Sources \((\d+)\): (.+)$", chips, re.M)
    assert sources[0][0] == "3"
    assert sources[0][1].count("](https://") == 3
    every_story = [s for section in brief.sections for s in section.stories]
    assert len({s.story_id for s in every_story}) == len(every_story)  # one theme per story


def test_theme_and_tag_filters() -> None:
    store = Store.memory()
    fill(store, ARTICLES)
    themes = load_lexicon().themes
    only = build_brief(store, themes, ItemQuery(), SINCE, NOW, theme_ids=["governance"])
    assert [s.theme for s in only.sections] == ["governance"]
    assert only.sections[0].stories[0].sources[0].source in {"Euro Tech", "Wire"}
    tagged = build_brief(store, themes, ItemQuery(tag="nothing"), SINCE, NOW)
    assert tagged.sections == [] and "No stories" in to_markdown(tagged)


def test_html_escapes_everything_from_feeds() -> None:
    page = to_html(fixed_brief((HOSTILE,)))
    assert "<script>" not in page and "onerror=alert" not in page.replace(
        "onerror=alert(1)&gt;", ""
    )
    assert "&lt;script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Evil &lt;b&gt;Outlet&lt;/b&gt;" in page and "<b>" not in page
    assert "javascript:" not in page.split("</title>", 1)[1].replace("(javascript:x)", "")
    assert 'href="javascript' not in page
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    markdown = to_markdown(fixed_brief((HOSTILE,)))
    assert "<script>" not in markdown and "\\<script\\>" in markdown
    assert re.search(r"(?<!\\)\]\(javascript", markdown) is None  # no link can form
    assert "\\[click\\](javascript:x)" in markdown


def test_json_is_valid_and_complete() -> None:
    document = json.loads(to_json(fixed_brief((HOSTILE,))))
    assert set(document) == {"title", "since", "until", "filter", "sections", "rising"}
    story = document["sections"][0]["stories"][0]
    assert {"title", "url", "source", "published", "summary", "sources", "themes"} <= set(story)
    urls = [
        s["url"] for sec in document["sections"] for st in sec["stories"] for s in st["sources"]
    ]
    assert all(u is None or u.startswith("https://") for u in urls)


def test_format_for_path() -> None:
    assert format_for_path("x.HTML") == "html" and format_for_path("b.json") == "json"
    assert format_for_path("brief.md") == "md" and format_for_path("brief") == "md"


def test_cli_brief_writes_each_format(db_path: Path, tmp_path: Path) -> None:
    with Store.open(db_path) as store:
        fill(store, ARTICLES)
    runner = CliRunner()
    out = tmp_path / "brief.html"
    args = ["brief", "--since", "2025-07-01", "--at", "2025-07-31", "-o", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "<h2" in out.read_text() and "code of practice" in out.read_text()
    result = runner.invoke(main, ["brief", "--since", "2025-01-01", "--at", "2025-07-31"])
    assert result.exit_code == 0 and result.output.startswith("# AI geopolitics brief")
    result = runner.invoke(
        main, ["brief", "--format", "json", "--theme", "chips", "--at", "2025-04-20"]
    )
    assert result.exit_code == 0
    assert [s["theme"] for s in json.loads(result.output)["sections"]] == ["chips"]
    bad = runner.invoke(main, ["brief", "--theme", "nope"])
    assert bad.exit_code == 2 and "unknown theme" in bad.output
    bad = runner.invoke(main, ["brief", "--since", "seven"])
    assert bad.exit_code == 2


def test_cli_trends_json(db_path: Path) -> None:
    with Store.open(db_path) as store:
        fill(store, ARTICLES)
    result = CliRunner().invoke(main, ["trends", "--json", "--at", "2025-04-20", "--weeks", "6"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    chips = next(t for t in document["themes"] if t["id"] == "chips")
    assert len(chips["weekly"]) == 6 and chips["this_week"] == 3
    assert "chips" in document["rising_themes"]
    assert any(row["actor"] == "Nvidia" for row in document["cooccurrence"]["actors"])
    text = CliRunner().invoke(main, ["trends", "--at", "2025-04-20"])
    assert text.exit_code == 0 and "Rising themes" in text.output


def test_new_item_helper_is_shared() -> None:
    assert isinstance(new_item(ARTICLES[0]), NewItem)


def test_cli_stories_lists_clusters_most_sources_first(db_path: Path) -> None:
    with Store.open(db_path) as store:
        fill(store, ARTICLES)
    args = ["stories", "--since", "2025-01-01", "--at", "2025-08-01", "--json"]
    result = CliRunner().invoke(main, [*args, "--min-sources", "2"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["sources"] for r in rows] == [3, 3, 2, 2, 2]
    assert {r["title"] for r in rows[:2]} == {
        "Nvidia expects $5.5 billion charge as US curbs H20 chip exports to China",
        "Chinese AI startup DeepSeek's R1 model rattles US tech stocks",
    }
    text = CliRunner().invoke(main, ["stories", "--since", "2025-04-01", "--at", "2025-04-30"])
    assert text.exit_code == 0 and "3 sources  2025-04-15" in text.output
