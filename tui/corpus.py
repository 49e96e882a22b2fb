"""The seed corpus: Markdown documents with TOML front matter in `seeds/`.

Each `seeds/NNN-slug.md` starts with front matter between two `+++` lines (Hugo style,
parsed with the stdlib `tomllib`), followed by the article as Markdown. The file stem is
the item's guid. This module only reads and validates; it knows no database.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tui.config import seeds_dir

FRONT_MATTER_FENCE = "+++"


class SeedError(ValueError):
    """A seed file that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class SeedDocument:
    """One seed article: its front matter, its Markdown body and the body as plain text."""

    guid: str
    title: str
    outlet: str
    author: str | None
    published: str | None  # UTC ISO 8601, e.g. 2025-07-09T00:00:00+00:00
    url: str | None
    lang: str | None
    role: str | None
    page: str | None
    tags: tuple[str, ...]
    body: str
    text: str


def read_seed_documents(directory: Path | None = None) -> list[SeedDocument]:
    """Read every `*.md` seed in `directory` (default: the shipped seeds), sorted by name."""
    directory = seeds_dir() if directory is None else directory
    if not directory.is_dir():
        raise SeedError(f"{directory}: seed directory not found")
    paths = sorted((p for p in directory.glob("*.md") if p.is_file()), key=lambda p: p.name)
    return [read_seed_document(path) for path in paths]


def read_seed_document(path: Path) -> SeedDocument:
    """Read and validate one seed file; raise `SeedError` naming the file on any problem."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(f"{path}: cannot read: {exc}") from exc
    meta, body = _split_front_matter(raw, path)

    title = _optional_str(meta, "title", path)
    if not title:
        raise SeedError(f"{path}: front matter has no title")
    role = _optional_str(meta, "role", path)
    page = _optional_str(meta, "page", path)
    if role == "related" and not page:
        raise SeedError(f'{path}: role = "related" needs a page (the main item\'s stem)')
    return SeedDocument(
        guid=path.stem,
        title=title,
        outlet=_optional_str(meta, "outlet", path) or "",
        author=_optional_str(meta, "author", path),
        published=_published(meta.get("date"), path),
        url=_optional_str(meta, "url", path),
        lang=_optional_str(meta, "language", path),
        role=role,
        page=page,
        tags=_tags(meta.get("tags"), path),
        body=body,
        text=markdown_to_text(body),
    )


def _split_front_matter(raw: str, path: Path) -> tuple[dict[str, Any], str]:
    """Split a file into its parsed TOML front matter and its Markdown body."""
    lines = raw.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise SeedError(f"{path}: no front matter (the file must start with a '+++' line)")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE)
    except StopIteration:
        raise SeedError(f"{path}: front matter is not closed by a '+++' line") from None
    try:
        meta = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(f"{path}: malformed TOML front matter: {exc}") from exc
    body = "\n".join(line.rstrip() for line in lines[end + 1 :]).strip("\n")
    return meta, body + "\n" if body else ""


def _optional_str(meta: dict[str, Any], key: str, path: Path) -> str | None:
    """A string field, stripped; None when absent or blank; an error when not a string."""
    value = meta.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise SeedError(f"{path}: {key} must be a string, not {type(value).__name__}")
    return value.strip() or None


def _published(value: object, path: Path) -> str | None:
    """The `date` field as a UTC ISO 8601 datetime string (dates are taken as midnight UTC)."""
    if value is None:
        return None
    when: datetime
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.strip())
        except ValueError:
            raise SeedError(
                f"{path}: bad date {value!r} (want an ISO date, e.g. 2025-07-09)"
            ) from None
    else:
        raise SeedError(f"{path}: bad date {value!r} (want an ISO date, e.g. 2025-07-09)")
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()


def _tags(value: object, path: Path) -> tuple[str, ...]:
    """The `tags` field as a tuple of non-empty strings."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
        raise SeedError(f"{path}: tags must be an array of non-empty strings")
    return tuple(t.strip() for t in value)


# --- Markdown to plain text -------------------------------------------------------------

_ESCAPABLE = r"\\`*_{}\[\]()#+\-.!|>~"
_ESCAPE = re.compile(rf"\\([{_ESCAPABLE}])")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_TABLE_DIVIDER = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?$")
_FENCE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS_STAR = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")


def markdown_to_text(markdown: str) -> str:
    """Plain text of a Markdown body, for search and theming.

    Removes heading hashes, emphasis, links' targets, table pipes and divider rows, list
    markers, block-quote markers, code fences and horizontal rules. Lines are kept, and
    paragraphs stay separated by exactly one blank line.
    """
    out: list[str] = []
    in_fence = False
    for line in markdown.replace("\r\n", "\n").split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            out.append("")
            continue
        if in_fence:
            out.append(line.rstrip())
            continue
        while _QUOTE.match(line):
            line = _QUOTE.sub("", line, count=1)
        if _TABLE_DIVIDER.match(line):
            continue
        if _RULE.match(line):
            out.append("")
            continue
        if _SETEXT_UNDERLINE.match(line) and out and out[-1].strip():
            out.append("")
            continue
        heading = _HEADING.match(line)
        if heading:
            out += ["", _inline(heading.group(1)), ""]
            continue
        if line.lstrip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            out.append(_inline("; ".join(c for c in cells if c)))
            continue
        out.append(_inline(_LIST_ITEM.sub("", line, count=1)))
    return _collapse_blank_lines(out)


def _inline(line: str) -> str:
    """Strip inline Markdown (links, images, code spans, emphasis, escapes) from one line."""
    escapes: list[str] = []

    def hide(match: re.Match[str]) -> str:
        escapes.append(match.group(1))
        return f"\x00{len(escapes) - 1}\x00"

    line = _ESCAPE.sub(hide, line)
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _CODE_SPAN.sub(r"\2", line)
    line = _STRONG.sub(r"\2", line)
    line = _STRIKE.sub(r"\1", line)
    line = _EMPHASIS_STAR.sub(r"\1", line)
    line = _EMPHASIS_UNDERSCORE.sub(r"\1", line)
    line = re.sub("\x00(\\d+)\x00", lambda m: escapes[int(m.group(1))], line)
    return line.strip()


def _collapse_blank_lines(lines: list[str]) -> str:
    """Join lines, with runs of blank lines reduced to one and none at either end."""
    kept: list[str] = []
    for line in lines:
        if line.strip() or (kept and kept[-1]):
            kept.append(line.rstrip())
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)
