"""The reading pane's body: HTML through markdownify, seeds as Markdown, text as text."""

from __future__ import annotations

from tui.item_body import article_body
from tui.model import ItemDetail


def detail(**kw: object) -> ItemDetail:
    base = dict(
        id=1,
        source_id=1,
        source="S",
        title="T",
        url=None,
        published=None,
        read=False,
        starred=False,
    )
    return ItemDetail(**{**base, **kw})  # type: ignore[arg-type]


def test_html_content_becomes_markdown() -> None:
    body, is_md = article_body(
        detail(
            content='<h2>Export rules</h2><p>New <b>curbs</b> on <a href="https://x.test/a">H20</a>'
            "</p><ul><li>one</li><li>two*three</li></ul>",
        )
    )
    assert is_md
    assert "## Export rules" in body and "**curbs**" in body
    assert "[H20](https://x.test/a)" in body and "* two\\*three" in body


def test_summary_used_when_no_content_and_text_as_plain_last() -> None:
    assert article_body(detail(summary="<p>Short <i>summary</i></p>"))[0] == "Short *summary*"
    assert article_body(detail(text="# not a heading")) == ("# not a heading", False)


def test_seed_markdown_passes_through() -> None:
    body, is_md = article_body(detail(source_kind="seed", content="## Core Claim\n\nText"))
    assert is_md and body == "## Core Claim\n\nText"


def test_markup_in_html_stays_literal_text() -> None:
    body, _ = article_body(detail(content="<p>[@click=app.quit]x[/] [b]y[/b]</p>"))
    assert "[@click=app.quit]x[/]" in body
