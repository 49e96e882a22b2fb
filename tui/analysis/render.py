"""A brief as Markdown, HTML or JSON. Feed text is hostile: every field is escaped for
the format it lands in, and only http(s) links are ever written as links."""

from __future__ import annotations

import html
import re
from typing import Any

from tui.analysis.brief import Brief, BriefStory
from tui.analysis.series import Trend
from tui.text import json_text, safe_url, terminal_safe

FORMATS = ("md", "html", "json")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")  # & stays: an entity shows as text


def _clean(text: str | None) -> str:
    return " ".join(terminal_safe(text or "", multiline=False).split())


def _day(value: str | None) -> str:
    return (value or "")[:10]


def _meta(story: BriefStory) -> str:
    return ", ".join(p for p in (story.source, _day(story.published)) if p)


def heading(brief: Brief) -> str:
    """The brief's title line (plain text)."""
    return f"AI geopolitics brief: {brief.since:%Y-%m-%d} to {brief.until:%Y-%m-%d}"


def _rising_words(trends: list[Trend], names: dict[str, str]) -> list[str]:
    return [
        f"{names.get(t.label, t.label)} ({t.this_week} this week, {t.baseline:.1f} a week before)"
        for t in trends
    ]


# --------------------------------------------------------------------------- Markdown


def md_escape(text: str | None) -> str:
    """Text that Markdown shows literally (no emphasis, links, HTML or headings)."""
    return _MD_SPECIAL.sub(r"\\\1", _clean(text))


def _md_link(label: str, url: str | None) -> str:
    safe = safe_url(url)
    if safe is None:
        return md_escape(label)
    target = safe.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{md_escape(label)}]({target})"


def to_markdown(brief: Brief) -> str:
    """The brief as Markdown: a heading per theme, a bullet per story with its sources."""
    lines = [f"# {md_escape(heading(brief))}", ""]
    if brief.filter:
        lines += [f"Filter: {md_escape(brief.filter)}", ""]
    lines += [f"{brief.story_count} stories in {len(brief.sections)} themes.", ""]
    if brief.rising_themes or brief.rising_actors:
        lines += ["## Rising this week", ""]
        if brief.rising_themes:
            words = _rising_words(brief.rising_themes, brief.names)
            lines.append("- Themes: " + "; ".join(map(md_escape, words)))
        if brief.rising_actors:
            words = _rising_words(brief.rising_actors, {})
            lines.append("- Actors: " + "; ".join(map(md_escape, words)))
        lines.append("")
    for section in brief.sections:
        lines += [f"## {md_escape(section.name)}", ""]
        lines += [_md_story(story) for story in section.stories]
        lines.append("")
    if not brief.sections:
        lines += ["No stories in this period.", ""]
    return "\n".join(lines)


def _md_story(story: BriefStory) -> str:
    title = f"**{_md_link(story.title, story.url)}**"
    meta = ", ".join(p for p in (md_escape(story.source), _day(story.published)) if p)
    line = f"- {title} ({meta})"
    if story.summary:
        line += f": {md_escape(story.summary)}"
    links = " · ".join(_md_link(s.source, s.url) for s in story.sources)
    count = len({s.source for s in story.sources})
    return line + f"  \n  Sources ({count}): {links}"


# --------------------------------------------------------------------------- HTML

_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.45}h2{border-bottom:1px solid #ccc}li{margin:.6rem 0}"
    ".meta,.sources{color:#555;font-size:.9em}"
)


def _e(text: str | None) -> str:
    return html.escape(_clean(text), quote=True)


def _html_link(label: str, url: str | None) -> str:
    safe = safe_url(url)
    if safe is None:
        return _e(label)
    return f'<a href="{html.escape(safe, quote=True)}" rel="noopener noreferrer">{_e(label)}</a>'


def to_html(brief: Brief) -> str:
    """The brief as a standalone HTML page; every feed string is escaped."""
    title = _e(heading(brief))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{title}</title><style>{_CSS}</style></head><body>",
        f"<h1>{title}</h1>",
    ]
    if brief.filter:
        parts.append(f'<p class="meta">Filter: {_e(brief.filter)}</p>')
    parts.append(f"<p>{brief.story_count} stories in {len(brief.sections)} themes.</p>")
    if brief.rising_themes or brief.rising_actors:
        parts.append("<h2>Rising this week</h2><ul>")
        if brief.rising_themes:
            words = _rising_words(brief.rising_themes, brief.names)
            parts.append("<li>Themes: " + "; ".join(map(_e, words)) + "</li>")
        if brief.rising_actors:
            words = _rising_words(brief.rising_actors, {})
            parts.append("<li>Actors: " + "; ".join(map(_e, words)) + "</li>")
        parts.append("</ul>")
    for section in brief.sections:
        parts.append(f'<h2 id="{_e(section.theme)}">{_e(section.name)}</h2><ul>')
        for story in section.stories:
            links = " · ".join(_html_link(s.source, s.url) for s in story.sources)
            summary = f"<br>{_e(story.summary)}" if story.summary else ""
            parts.append(
                f"<li><strong>{_html_link(story.title, story.url)}</strong> "
                f'<span class="meta">({_e(_meta(story))})</span>'
                f'{summary}<br><span class="sources">Sources: {links}</span></li>'
            )
        parts.append("</ul>")
    if not brief.sections:
        parts.append("<p>No stories in this period.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------- JSON


def _trend(trend: Trend, names: dict[str, str]) -> dict[str, Any]:
    return {
        "label": trend.label,
        "name": names.get(trend.label, trend.label),
        "this_week": trend.this_week,
        "baseline": round(trend.baseline, 2),
        "score": round(trend.score, 2),
    }


def to_json(brief: Brief) -> str:
    """The brief as one JSON document."""
    document = {
        "title": heading(brief),
        "since": brief.since.isoformat(timespec="seconds"),
        "until": brief.until.isoformat(timespec="seconds"),
        "filter": brief.filter,
        "sections": [
            {
                "theme": section.theme,
                "name": section.name,
                "stories": [
                    {
                        "story_id": story.story_id,
                        "title": story.title,
                        "url": safe_url(story.url),
                        "source": story.source,
                        "published": story.published,
                        "summary": story.summary,
                        "themes": story.themes,
                        "sources": [
                            {"source": s.source, "url": safe_url(s.url), "published": s.published}
                            for s in story.sources
                        ],
                    }
                    for story in section.stories
                ],
            }
            for section in brief.sections
        ],
        "rising": {
            "themes": [_trend(t, brief.names) for t in brief.rising_themes],
            "actors": [_trend(t, {}) for t in brief.rising_actors],
        },
    }
    return json_text(document) + "\n"  # escapes C1/bidi controls, which dumps keeps raw


def render(brief: Brief, fmt: str) -> str:
    """The brief in one of FORMATS."""
    return {"md": to_markdown, "html": to_html, "json": to_json}[fmt](brief)


def format_for_path(path: str, default: str = "md") -> str:
    """The format a file name asks for by its extension (.md, .html/.htm, .json)."""
    lowered = path.lower()
    if lowered.endswith((".html", ".htm")):
        return "html"
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith((".md", ".markdown", ".txt")):
        return "md"
    return default
