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

from tui.analysis.lead import Lead, PreviousBrief, build_lead, previous_brief
from tui.analysis.series import Trend
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
    r"|^share\b|follow us|this article|continue reading",
    re.IGNORECASE,
)
# "Updated 14:05 GMT", "Updated on 3 March 2025:", "UPDATED: Tue, 4 Mar": a time stamp in
# front of the real sentence is cut off; "Updated export rules will …" is a sentence.
_UPDATED_STAMP = re.compile(
    r"^(?:last\s+)?updated\b(?:\s+(?:on|at))?\s*[:\-–—]?\s*"
    r"(?:(?:\d{1,4}(?:[:/.\-]\d{1,4})*(?:\s*(?:am|pm|gmt|utc|bst|cet|et|pt|z))?|"
    r"(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?)[\s,:\-–—]*)+",
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
    notes: list[tuple[str, str]] = field(default_factory=list)  # (outlet, the user's note)
    new: bool = True  # not in the previous brief of the same view


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
    lead: Lead | None = None
    view: str = ""  # the saved view it is of ("" for an ad-hoc filter)
    previous: PreviousBrief | None = None  # the last brief of the same view

    @property
    def story_count(self) -> int:
        """Stories in all sections."""
        return sum(len(s.stories) for s in self.sections)

    @property
    def new_count(self) -> int:
        """Stories not in the previous brief of the same view."""
        return sum(story.new for s in self.sections for story in s.stories)

    @property
    def story_ids(self) -> list[int]:
        """Every listed story, for the history of briefs."""
        return [story.story_id for s in self.sections for story in s.stories]


def summarize(title: str, text: str, limit: int = SUMMARY_CHARS) -> str:
    """The first informative sentence of `text`: not boilerplate, not the title again,
    not too short; whitespace collapsed, cut at a word to at most `limit` characters."""
    clean = " ".join(terminal_safe(text, multiline=False).split())
    heading = " ".join(terminal_safe(title, multiline=False).split()).casefold()
    sentences = _SENTENCE_END.split(clean)
    chosen = ""
    for sentence in sentences:
        sentence = _UPDATED_STAMP.sub("", sentence.strip(), count=1).strip()
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
    view: str = "",
) -> Brief:
    """The brief of the items matching `query` dated in [since, now).

    Sections follow the lexicon's order, for `theme_ids` (default: every theme); empty
    sections are left out. The lead counts stories per theme and actor of the same
    items in this window against the windows of the same length before it. Stories
    not in the last brief remembered for `view` (or, without a view, for the same
    filter description) are marked new.
    """
    wanted = [t for t in themes if theme_ids is None or t.id in theme_ids]
    until = now.isoformat(timespec="seconds")
    before = min(until, query.before) if query.before else until
    start = since.isoformat(timespec="seconds")
    start = max(start, query.since) if query.since else start
    base = replace(query, since=start, before=before, stories=False)
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
    previous = previous_brief(store, history_key(view, describe))
    sections = []
    for theme in wanted:
        ranked = sorted(placed.get(theme.id, []), key=lambda s: found[s], reverse=True)
        ranked = ranked[:per_theme]  # most sources first, then the newest
        if ranked:
            stories = [_story(store, s, members[s], base) for s in ranked]
            for entry in stories:
                entry.new = previous is None or entry.story_id not in previous.stories
            sections.append(BriefSection(theme.id, theme.name, stories))
    filtered = replace(query, since=None, before=None, stories=False, limit=100, offset=0)
    lead = build_lead(store, themes, filtered, since, now)
    names = {t.id: t.name for t in themes}
    rising = set(lead.rising_themes)
    return Brief(
        since=since,
        until=now,
        filter=describe,
        sections=sections,
        rising_themes=[t for t in lead.themes if t.label in rising][:RISING_SHOWN],
        rising_actors=[t for t in lead.actors if t.label in set(lead.rising_actors)],
        names=names,
        lead=lead,
        view=view,
        previous=previous,
    )


def history_key(view: str, describe: str) -> str:
    """Which earlier briefs count as "the previous brief": the view's, else the filter's."""
    return f"view:{view}" if view else f"filter:{describe}"


def _main_theme(members: list[ItemRow], candidates: list[str]) -> str:
    """Of `candidates`, the theme the story's articles score highest on together."""
    totals = dict.fromkeys(candidates, 0.0)
    for member in members:
        for theme in member.themes:
            if theme.id in totals:
                totals[theme.id] += theme.score
    return max(candidates, key=lambda t: (totals[t], -candidates.index(t)))


def _in_window(member: ItemRow, window: ItemQuery) -> bool:
    day = member.published or ""
    return not day or (window.since or "") <= day < (window.before or "\uffff")


def _story(store: Store, story_id: int, members: list[ItemRow], window: ItemQuery) -> BriefStory:
    """A brief entry: the first report in the window (its title and link), the first
    useful summary, every outlet, and the user's notes on any of its articles."""
    members = [m for m in members if _in_window(m, window)] or members
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
        notes=[(m.source, m.note) for m in members if m.note],
    )
