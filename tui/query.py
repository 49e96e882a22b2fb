"""The search language of the `/` box: text → a structured query (pure: no Textual, no SQL).

    chips "export controls" chip* -weather -"stock tips"
    theme:chips theme:chips,compute -theme:markets
    actor:Nvidia actor:"United States" -actor:Meta
    source:ChinaTalk source:"China Talk" source:12 source:substack.com -source:x
    category:"Think tanks" -category:Labs        (a source's OPML folder, any case)
    tag:brief -tag:done
    note:export note:"follow up" note:* (has a note) -note:* (has none)
    is:unread is:read is:starred is:unstarred
    since:7d since:24h since:2w since:3m since:1y since:2025-06-01 since:2025-06 since:2025
    before:… (same values) since:today since:yesterday

Words and "phrases" are full-text terms (all required; `*` after a word or a closing
quote makes a prefix); `-` in front of anything excludes it. A field may repeat (every
occurrence must match) and a bare value may list alternatives with commas
(`theme:chips,compute` = either). Unknown `name:` prefixes are plain text (`10:30`,
`https://x`). Bad values go to `ParsedQuery.errors` and the rest still applies. The
parser never raises: it runs on every keystroke, on half-typed input.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from tui.model import ItemQuery, SearchTerm

FIELDS = frozenset({"theme", "actor", "source", "category", "tag", "note", "is", "since", "before"})
IS_VALUES = {
    "unread": ("unread", True),
    "read": ("unread", False),
    "starred": ("starred", True),
    "unstarred": ("starred", False),
}
_FLAG_WORDS = {flag: word for word, flag in IS_VALUES.items()}
_UNITS = {"h": "hour", "d": "day", "w": "week", "m": "month", "y": "year"}
_RELATIVE = re.compile(r"(\d+)([hdwmy])", re.IGNORECASE)
_ABSOLUTE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
# Controls and lone surrogates never mean anything in a query; they become spaces.
_JUNK = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class TimeBound:
    """A `since:` or `before:` value: the UTC instant and how it was written."""

    at: datetime
    text: str
    relative: bool

    def iso(self) -> str:
        """The instant as stored in `sort_at` (UTC ISO 8601, seconds)."""
        return self.at.astimezone(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """What a query string asks for. Groups are any-of; all groups and fields must match."""

    text: str = ""
    terms: tuple[SearchTerm, ...] = ()
    exclude_terms: tuple[SearchTerm, ...] = ()
    themes: tuple[tuple[str, ...], ...] = ()
    exclude_themes: tuple[str, ...] = ()
    actors: tuple[tuple[str, ...], ...] = ()
    exclude_actors: tuple[str, ...] = ()
    sources: tuple[tuple[str, ...], ...] = ()
    exclude_sources: tuple[str, ...] = ()
    categories: tuple[tuple[str, ...], ...] = ()
    exclude_categories: tuple[str, ...] = ()
    tags: tuple[tuple[str, ...], ...] = ()
    exclude_tags: tuple[str, ...] = ()
    notes: tuple[tuple[str, ...], ...] = ()  # note contains one of ("" = any note)
    exclude_notes: tuple[str, ...] = ()
    unread: bool | None = None
    starred: bool | None = None
    since: TimeBound | None = None
    before: TimeBound | None = None
    errors: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when the query filters nothing (blank, or only ignorable input)."""
        return not self.describe()

    def to_item_query(self, base: ItemQuery | None = None) -> ItemQuery:
        """This query narrowing `base` (e.g. the selected source or theme panel).

        Lists are appended (so both must match); for `is:` the typed value wins over the
        base's; time bounds intersect (the later `since`, the earlier `before`).
        """
        base = base or ItemQuery()
        since = [b for b in (base.since, self.since and self.since.iso()) if b]
        before = [b for b in (base.before, self.before and self.before.iso()) if b]
        return replace(
            base,
            terms=base.terms + self.terms,
            exclude_terms=base.exclude_terms + self.exclude_terms,
            theme_groups=base.theme_groups + self.themes,
            exclude_themes=base.exclude_themes + self.exclude_themes,
            actor_groups=base.actor_groups + self.actors,
            exclude_actors=base.exclude_actors + self.exclude_actors,
            source_groups=base.source_groups + self.sources,
            exclude_sources=base.exclude_sources + self.exclude_sources,
            category_groups=base.category_groups + self.categories,
            exclude_categories=base.exclude_categories + self.exclude_categories,
            tag_groups=base.tag_groups + self.tags,
            exclude_tags=base.exclude_tags + self.exclude_tags,
            note_groups=base.note_groups + self.notes,
            exclude_notes=base.exclude_notes + self.exclude_notes,
            unread=base.unread if self.unread is None else self.unread,
            starred=base.starred if self.starred is None else self.starred,
            since=max(since) if since else None,
            before=min(before) if before else None,
        )

    def highlight_terms(self) -> list[str]:
        """The positive words and phrases, for marking matches in titles and text."""
        return list(dict.fromkeys(term.text for term in self.terms))

    def describe(self) -> str:
        """A short human summary, e.g. `"chips" · theme: chips · unread · last 7 days`."""
        parts: list[str] = []
        words = [_show_term(t) for t in self.terms]
        words += [f"not {_show_term(t)}" for t in self.exclude_terms]
        if words:
            parts.append(" ".join(words))
        for name, groups, excluded in (
            ("theme", self.themes, self.exclude_themes),
            ("actor", self.actors, self.exclude_actors),
            ("source", self.sources, self.exclude_sources),
            ("category", self.categories, self.exclude_categories),
            ("tag", self.tags, self.exclude_tags),
            ("note", self.notes, self.exclude_notes),
        ):
            parts += [f"{name}: {' or '.join(_shown(group))}" for group in groups]
            if excluded:
                parts.append(f"not {name}: {', '.join(_shown(excluded))}")
        if self.unread is not None:
            parts.append("unread" if self.unread else "read")
        if self.starred is not None:
            parts.append("starred" if self.starred else "unstarred")
        if self.since:
            parts.append(_show_bound(self.since, "last", "since"))
        if self.before:
            parts.append(_show_bound(self.before, "older than", "before"))
        return " · ".join(parts)


def _shown(values: tuple[str, ...]) -> list[str]:
    return [value or "any" for value in values]  # "" is a note's `note:*`


def _show_term(term: SearchTerm) -> str:
    return f'"{term.text}"' + ("*" if term.prefix else "")


def _show_bound(bound: TimeBound, relative: str, absolute: str) -> str:
    if not bound.relative:
        return f"{absolute} {bound.text}"
    count, unit = int(bound.text[:-1]), _UNITS[bound.text[-1].lower()]
    if relative == "last":
        return f"last {unit}" if count == 1 else f"last {count} {unit}s"
    return f"older than {count} {unit}" + ("" if count == 1 else "s")


# --------------------------------------------------------------------------- tokens


@dataclass(slots=True)
class _Token:
    negate: bool
    field: str | None  # a known field name, or None for a text term
    value: str
    quoted: bool = False
    prefix: bool = False


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """The text after the quote at `start` up to the closing quote (or the end)."""
    end = text.find('"', start + 1)
    if end < 0:
        return text[start + 1 :], len(text)
    return text[start + 1 : end], end + 1


def _tokens(text: str) -> Iterator[_Token]:
    """Split a query into terms and `field:value` pairs (half-typed input included)."""
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negate = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        if negate:
            i += 1
        if text[i] == '"':
            value, i = _read_quoted(text, i)
            prefix = i < n and text[i] == "*"
            while i < n and text[i] == "*":
                i += 1
            yield _Token(negate, None, value, quoted=True, prefix=prefix)
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] != '"':
            j += 1
        word = text[i:j]
        name, colon, rest = word.partition(":")
        if colon and name.lower() in FIELDS:
            if not rest and j < n and text[j] == '"':
                rest, j = _read_quoted(text, j)
                yield _Token(negate, name.lower(), rest, quoted=True)
            else:
                yield _Token(negate, name.lower(), rest)
        else:
            stem = word.rstrip("*")
            yield _Token(negate, None, stem, prefix=len(stem) < len(word))
        i = j


# --------------------------------------------------------------------------- dates


def _months_ago(now: datetime, months: int) -> datetime:
    index = now.year * 12 + (now.month - 1) - months
    year, month = divmod(index, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def parse_time(value: str, now: datetime) -> TimeBound:
    """`7d`, `24h`, `2w`, `3m`, `1y`, `today`, `yesterday`, `2025`, `2025-06`, `2025-06-01`
    or an ISO date-time, as a UTC instant. Raises ValueError with a readable message."""
    lowered = value.lower()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if lowered in ("today", "yesterday"):
        return TimeBound(today - timedelta(days=lowered == "yesterday"), lowered, False)
    try:
        if match := _RELATIVE.fullmatch(value):
            count, unit = int(match[1]), match[2].lower()
            if unit == "m":
                at = _months_ago(now, count)
            elif unit == "y":
                at = _months_ago(now, 12 * count)
            else:
                hours = count * {"h": 1, "d": 24, "w": 24 * 7}[unit]
                at = now - timedelta(hours=hours)
            return TimeBound(at, f"{count}{unit}", True)
        if match := _ABSOLUTE.fullmatch(value):
            year, month, day = int(match[1]), int(match[2] or 1), int(match[3] or 1)
            return TimeBound(datetime(year, month, day, tzinfo=UTC), value, False)
        if "-" in value and value[:4].isdigit():
            at = datetime.fromisoformat(value)
            at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
            return TimeBound(at, value, False)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{value!r} is not a usable date ({exc})") from None
    if value.isdigit():
        raise ValueError(f"{value!r} needs a unit (h, d, w, m, y), e.g. {value}d")
    raise ValueError(f"{value!r} is not a date; try 7d, 24h, 3m, 1y or 2025-06-01")


# --------------------------------------------------------------------------- parsing


@dataclass(slots=True)
class _Builder:
    terms: list[SearchTerm] = field(default_factory=list)
    exclude_terms: list[SearchTerm] = field(default_factory=list)
    groups: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    excluded: dict[str, list[str]] = field(default_factory=dict)
    flags: dict[str, tuple[bool, str]] = field(default_factory=dict)
    since: TimeBound | None = None
    before: TimeBound | None = None
    errors: list[str] = field(default_factory=list)

    def add(self, token: _Token, now: datetime) -> None:
        if token.field is None:
            self.add_term(token)
        elif not token.value.strip():
            return  # `theme:` being typed
        elif token.field == "is":
            self.add_flag(token)
        elif token.field in ("since", "before"):
            self.add_time(token, now)
        else:
            self.add_label(token)

    def add_term(self, token: _Token) -> None:
        text = " ".join(token.value.split())
        if not any(ch.isalnum() for ch in text):
            return  # `-`, `*`, `""`: nothing to search for
        term = SearchTerm(text, prefix=token.prefix, phrase=token.quoted)
        target = self.exclude_terms if token.negate else self.terms
        if term not in target:
            target.append(term)

    def add_label(self, token: _Token) -> None:
        raw = [token.value] if token.quoted else token.value.split(",")
        values = [" ".join(v.split()) for v in raw]
        if token.field == "theme":
            values = [v.lower() for v in values]
        if token.field == "note":  # `note:*`: any note at all (kept as "")
            values = ["" if v == "*" else v.lower() for v in values]
            values = list(dict.fromkeys(values))
        else:
            values = list(dict.fromkeys(v for v in values if v))
        if not values:
            return
        if token.negate:
            bucket = self.excluded.setdefault(token.field or "", [])
            bucket += [v for v in values if v not in bucket]
        else:
            groups = self.groups.setdefault(token.field or "", [])
            if tuple(values) not in groups:
                groups.append(tuple(values))

    def add_flag(self, token: _Token) -> None:
        word = token.value.strip().lower()
        if word not in IS_VALUES:
            self.errors.append(f"unknown is:{word} (use unread, read, starred or unstarred)")
            return
        name, value = IS_VALUES[word]
        value = value != token.negate  # -is:unread is is:read
        shown = _FLAG_WORDS[name, value]
        previous = self.flags.get(name)
        if previous is not None and previous[0] != value:
            self.errors.append(f"is:{previous[1]} and is:{shown} contradict; using is:{shown}")
        self.flags[name] = (value, shown)

    def add_time(self, token: _Token, now: datetime) -> None:
        name = token.field or "since"
        try:
            bound = parse_time(token.value.strip(), now)
        except ValueError as exc:
            self.errors.append(f"{'-' if token.negate else ''}{name}: {exc}")
            return
        if token.negate:  # not-since is before, not-before is since
            name = "before" if name == "since" else "since"
        if name == "since":
            if self.since is None or bound.at > self.since.at:
                self.since = bound
        elif self.before is None or bound.at < self.before.at:
            self.before = bound

    def build(self, text: str) -> ParsedQuery:
        if self.since and self.before and self.since.at >= self.before.at:
            self.errors.append(
                f"since:{self.since.text} is not before before:{self.before.text}; "
                "nothing can match"
            )
        unread = self.flags.get("unread")
        starred = self.flags.get("starred")
        return ParsedQuery(
            text=text,
            terms=tuple(self.terms),
            exclude_terms=tuple(self.exclude_terms),
            themes=tuple(self.groups.get("theme", ())),
            exclude_themes=tuple(self.excluded.get("theme", ())),
            actors=tuple(self.groups.get("actor", ())),
            exclude_actors=tuple(self.excluded.get("actor", ())),
            sources=tuple(self.groups.get("source", ())),
            exclude_sources=tuple(self.excluded.get("source", ())),
            categories=tuple(self.groups.get("category", ())),
            exclude_categories=tuple(self.excluded.get("category", ())),
            tags=tuple(self.groups.get("tag", ())),
            exclude_tags=tuple(self.excluded.get("tag", ())),
            notes=tuple(self.groups.get("note", ())),
            exclude_notes=tuple(self.excluded.get("note", ())),
            unread=unread[0] if unread else None,
            starred=starred[0] if starred else None,
            since=self.since,
            before=self.before,
            errors=tuple(self.errors),
        )


def parse_query(text: str, *, now: datetime | None = None) -> ParsedQuery:
    """Parse a query string. Never raises; problems are listed in `.errors`.

    `now` anchors relative times (`since:7d`); it defaults to the current UTC time and a
    naive value is taken as UTC.
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    else:
        now = now.astimezone(UTC)
    builder = _Builder()
    for token in _tokens(_JUNK.sub(" ", text)):
        builder.add(token, now)
    return builder.build(text)
