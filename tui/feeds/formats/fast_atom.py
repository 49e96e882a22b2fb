"""The fast reader for Atom 1.0 (see tui.feeds.formats.fastfeed)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tui.feeds.formats.fast_values import (
    ATOM,
    MIME_ALIASES,
    NO_ATTRS,
    Entry,
    FastResult,
    Reader,
    Unsure,
    known_attrs,
    lang_of,
    no_children,
    once,
)

_A = f"{{{ATOM}}}"
# Atom element names, made once (the entry loop compared each child with ~10 of them,
# each concatenated anew)
_A_AUTHOR = _A + "author"
_A_CATEGORY = _A + "category"
_A_CONTENT = _A + "content"
_A_ENTRY = _A + "entry"
_A_GENERATOR = _A + "generator"
_A_ICON = _A + "icon"
_A_ID = _A + "id"
_A_LINK = _A + "link"
_A_LOGO = _A + "logo"
_A_PUBLISHED = _A + "published"
_A_RIGHTS = _A + "rights"
_A_SUBTITLE = _A + "subtitle"
_A_SUMMARY = _A + "summary"
_A_TITLE = _A + "title"
_A_UPDATED = _A + "updated"
_TYPE = frozenset({"type"})
_CATEGORY_ATTRS = frozenset({"term", "scheme", "label"})
_GENERATOR_ATTRS = frozenset({"uri", "version"})
_LINK_ATTRS = frozenset({"rel", "type", "href", "hreflang", "title", "length"})
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class AtomReader(Reader):
    """`<feed xmlns="http://www.w3.org/2005/Atom">`: Atom's own elements only."""

    version = "atom10"

    def read(self, root: ET.Element) -> FastResult:
        known_attrs(root, NO_ATTRS)
        lang = lang_of(root, None)
        if lang:
            self.feed["language"] = lang.replace("_", "-")
        seen: set[str] = set()
        for child in root:
            self.feed_child(child, lang_of(child, lang), seen)
        return self.result()

    def feed_child(self, child: ET.Element, lang: str | None, seen: set[str]) -> None:
        tag = child.tag
        if tag == _A_ENTRY:
            self.entry(child, lang)
        elif tag == _A_LINK:
            self.link(self.feed, child)
        elif tag == _A_TITLE:
            once(seen, tag)
            detail = self.content(child, "text/plain", lang, _TYPE)
            self.feed["title"], self.feed["title_detail"] = detail["value"], detail
        elif tag == _A_ID:
            once(seen, tag)
            known_attrs(child, NO_ATTRS)
            self.feed.setdefault("link", self.text(child, uri=True))
        elif tag == _A_AUTHOR:
            once(seen, tag)
            self.author(self.feed, child)
        elif tag in (_A_SUBTITLE, _A_RIGHTS):
            once(seen, tag)
            self.content(child, "text/plain", lang, _TYPE)
        elif tag in (_A_UPDATED, _A_ICON, _A_LOGO):
            known_attrs(child, NO_ATTRS)
            no_children(child)
        elif tag == _A_GENERATOR:
            known_attrs(child, _GENERATOR_ATTRS)
            no_children(child)
        elif tag == _A_CATEGORY:
            known_attrs(child, _CATEGORY_ATTRS)
            no_children(child)
        else:
            raise Unsure(f"feed/{tag}")

    def link(self, context: Entry, element: ET.Element) -> None:
        """feedparser's `_start_link` for a link with an href."""
        attrs = known_attrs(element, _LINK_ATTRS)
        no_children(element)
        if "href" not in attrs:
            raise Unsure("atom link without href")
        attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
        attrs["href"] = self.join(attrs["href"])
        context.setdefault("links", []).append(attrs)
        if (
            attrs["rel"] == "alternate"
            and MIME_ALIASES.get(attrs["type"], attrs["type"]) in _HTML_TYPES
        ):
            context["link"] = attrs["href"]

    def author(self, context: Entry, element: ET.Element) -> None:
        """feedparser's Atom person construct: name and email, the rest stored unread."""
        known_attrs(element, NO_ATTRS)
        names: dict[str, str | None] = {"name": None, "email": None}
        for part in element:
            key = part.tag[len(_A) :] if part.tag.startswith(_A) else ""
            if key not in ("name", "email", "uri") or known_attrs(part, NO_ATTRS):
                raise Unsure(f"author/{part.tag}")
            if key != "uri":
                if names[key] is not None:
                    raise Unsure(f"author/{key} twice")
                names[key] = no_children(part).strip()  # feedparser: not re-decoded
            else:
                no_children(part)
        name, email = names["name"], names["email"]
        if not name:
            raise Unsure("author without a name")
        # </author>: its own text (blanks between the parts), then the detail wins
        context["author"] = f"{name} ({email})" if email else name
        context["author_detail"] = {"name": name, **({"email": email} if email else {})}

    def entry(self, element: ET.Element, lang: str | None) -> None:
        known_attrs(element, NO_ATTRS)
        lang = lang_of(element, lang)
        entry: Entry = {"links": []}
        self.entries.append(entry)
        seen: set[str] = set()
        for child in element:
            tag = child.tag
            child_lang = lang_of(child, lang)
            if tag == _A_LINK:
                self.link(entry, child)
                continue
            if tag == _A_CATEGORY:
                known_attrs(child, _CATEGORY_ATTRS)
                no_children(child)
                continue
            once(seen, tag)
            if tag == _A_ID:
                known_attrs(child, NO_ATTRS)
                entry["id"] = self.text(child, uri=True)
                entry.setdefault("link", entry["id"])
            elif tag == _A_TITLE:
                detail = self.content(child, "text/plain", child_lang, _TYPE)
                entry["title"], entry["title_detail"] = detail["value"], detail
            elif tag == _A_CONTENT:
                detail = self.content(child, "text/plain", child_lang, _TYPE)
                entry["content"] = [detail]
                entry.setdefault("summary", detail["value"])
            elif tag == _A_SUMMARY:
                detail = self.content(child, "text/plain", child_lang, _TYPE)
                entry["summary"], entry["summary_detail"] = detail["value"], detail
            elif tag in (_A_PUBLISHED, _A_UPDATED):
                known_attrs(child, NO_ATTRS)
                self.date(entry, tag[len(_A) :], child)
            elif tag == _A_AUTHOR:
                self.author(entry, child)
            elif tag == _A_RIGHTS:
                self.content(child, "text/plain", child_lang, _TYPE)
            else:
                raise Unsure(f"entry/{tag}")
