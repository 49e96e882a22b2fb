"""Briefs: per theme, the top stories of a period with one-line summaries and sources.

`build_brief` reads the store (stories ranked by how many sources told them, then how
recently); `tui.analysis.render` writes the result as Markdown, HTML or JSON. A story goes
under one theme only: of the themes asked for, the one its articles score highest on.
No Textual here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from tui.analysis.series import Trend
from tui.analysis.trends import build_trends
from tui.model import ItemQuery, ItemRow, ThemeDef
from tui.store import Store
from tui.text import terminal_safe

SUMMARY_CHARS = 220
MIN_SENTENCE_CHARS = 40
PER_THEME = 5
RISING_SHOWN = 6

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9À-Ý])")
_BOILERPLATE = re.compile(
    r"appeared first on|read more|click here|subscribe|sign up|newsletter|all rights reserved"
    r"|cookies?\b|advertisement|^photo\b|^image\b|^credit\b|^\(?getty|^by [A-Z][a-z]+ [A-Z]"
    r"|^updated\b|^share\b|follow us|this article|continue reading",
    re.IGNORECASE,
)


@dataclass(slots=True)
class BriefSource:
    """One article of a story: which outlet, its link and date."""

    source: str
    url: str | None
    published: str | None


@dataclass(slots=True)
class BriefStory:
    """A story in a brief: its first report's title and link, a summary, every source."""

    story_id: int
    title: str
    url: str | None
    source: str
    published: str | None
    summary: str
    sources: list[BriefSource] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class BriefSection:
    """One theme's top stories."""

    theme: str
    name: str
    stories: list[BriefStory]


@dataclass(slots=True)
class Brief:
    """A briefing for a period: sections per theme and the week's rising labels."""

    since: datetime
    until: datetime
    filter: str
    sections: list[BriefSection]
    rising_themes: list[Trend]
    rising_actors: list[Trend]
    names: dict[str, str]

    @property
    def story_count(self) -> int:
        """Stories in all sections."""
        return sum(len(s.stories) for s in self.sections)


def summarize(title: str, text: str, limit: int = SUMMARY_CHARS) -> str:
    """The first informative sentence of `text`: not boilerplate, not the title again,
    not too short; whitespace collapsed, cut at a word to at most `limit` characters."""
    clean = " ".join(terminal_safe(text, multiline=False).split())
    heading = " ".join(terminal_safe(title, multiline=False).split()).casefold()
    sentences = _SENTENCE_END.split(clean)
    chosen = ""
    for sentence in sentences:
        sentence = sentence.strip()
        folded = sentence.casefold()
        if len(sentence) < MIN_SENTENCE_CHARS or _BOILERPLATE.search(sentence):
            continue
        if heading and (folded == heading or folded.startswith(heading)):
            sentence = sentence[len(heading) :].lstrip(" .:-—–|")
            if len(sentence) < MIN_SENTENCE_CHARS:
                continue
        chosen = sentence
        break
    if not chosen:
        chosen = next((s.strip() for s in sentences if s.strip()), "")
    return _cut(chosen, limit)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-—–")
    return cut + "…"


def build_brief(
    store: Store,
    themes: list[ThemeDef],
    query: ItemQuery,
    since: datetime,
    now: datetime,
    *,
    theme_ids: list[str] | None = None,
    per_theme: int = PER_THEME,
    describe: str = "",
) -> Brief:
    """The brief of the items matching `query` dated from `since` on.

    Sections follow the lexicon's order, for `theme_ids` (default: every theme); empty
    sections are left out. Rising themes and actors are the week's, over every item.
    """
    wanted = [t for t in themes if theme_ids is None or t.id in theme_ids]
    base = replace(query, since=since.isoformat(timespec="seconds"), stories=False)
    found: dict[int, tuple[int, str]] = {}  # story → (sources, newest date)
    seen_in: dict[int, list[str]] = {}
    for theme in wanted:
        narrowed = replace(base, theme_groups=(*base.theme_groups, (theme.id,)))
        for story, sources, newest in store.top_stories(narrowed, per_theme * 4):
            found[story] = (sources, newest)
            seen_in.setdefault(story, []).append(theme.id)
    members = {story: store.story_members(story) for story in found}
    placed: dict[str, list[int]] = {}
    for story, candidates in seen_in.items():
        placed.setdefault(_main_theme(members[story], candidates), []).append(story)
    sections = []
    for theme in wanted:
        ranked = sorted(placed.get(theme.id, []), key=lambda s: found[s], reverse=True)
        ranked = ranked[:per_theme]  # most sources first, then the newest
        if ranked:
            stories = [_story(store, s, members[s]) for s in ranked]
            sections.append(BriefSection(theme.id, theme.name, stories))
    report = build_trends(store, themes, now.date(), weeks=5)
    return Brief(
        since=since,
        until=now,
        filter=describe,
        sections=sections,
        rising_themes=report.rising_themes[:RISING_SHOWN],
        rising_actors=report.rising_actors[:RISING_SHOWN],
        names=report.names,
    )


def _main_theme(members: list[ItemRow], candidates: list[str]) -> str:
    """Of `candidates`, the theme the story's articles score highest on together."""
    totals = dict.fromkeys(candidates, 0.0)
    for member in members:
        for theme in member.themes:
            if theme.id in totals:
                totals[theme.id] += theme.score
    return max(candidates, key=lambda t: (totals[t], -candidates.index(t)))


def _story(store: Store, story_id: int, members: list[ItemRow]) -> BriefStory:
    """A brief entry: the first report's title and link, the first useful summary."""
    first = members[0]
    summary = ""
    for member in members:
        detail = store.get_item(member.id)
        if detail is not None and (summary := summarize(detail.title, detail.text)):
            break
    themes = list(dict.fromkeys(t.id for m in members for t in m.themes))
    return BriefStory(
        story_id=story_id,
        title=" ".join(terminal_safe(first.title, multiline=False).split()),
        url=first.url,
        source=first.source,
        published=first.published,
        summary=summary,
        sources=[BriefSource(m.source, m.url, m.published) for m in members],
        themes=themes,
    )
