"""The fast reader for RSS 2.0 (see tui.feeds.formats.fastfeed)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tui.feeds.formats.fast_values import (
    ATOM,
    CONTENT,
    DC,
    LINK_ENTITY,
    NO_ATTRS,
    SY,
    Entry,
    FastResult,
    Reader,
    Unsure,
    author_from_text,
    known_attrs,
    lang_of,
    no_children,
    once,
)

_RSS_INERT_ITEM = frozenset({"category", "comments"})  # stored by feedparser, never read here
# Built once: item_child runs for every child of every item (the literals cost 1-2 µs a
# child when they were made per call).
_ITEM_KEYS = {f"{{{DC}}}creator": "author", f"{{{CONTENT}}}encoded": "content",
              f"{{{DC}}}date": "updated", "pubDate": "published"}  # fmt: skip
_ENCLOSURE_ATTRS = frozenset({"url", "length", "type"})
_CATEGORY_ATTRS = frozenset({"domain"})
_GUID_ATTRS = frozenset({"isPermaLink"})
_RSS_INERT_CHANNEL = frozenset(
    {"description", "pubDate", "lastBuildDate", "generator", "docs", "copyright", "webMaster",
     "category", f"{{{DC}}}date"}
)  # fmt: skip
# Channel text elements read here, each at most once (the value: what counts as the same)
_RSS_CHANNEL_ONCE = {
    "title": "title", "link": "link", "language": "language", f"{{{DC}}}language": "language",
    "ttl": "ttl", "managingEditor": "author", f"{{{DC}}}creator": "author",
    f"{{{SY}}}updatePeriod": "period", f"{{{SY}}}updateFrequency": "frequency",
}  # fmt: skip
_IMAGE_CHILDREN = frozenset({"url", "title", "link", "width", "height", "description"})


class RssReader(Reader):
    """`<rss version="2.x"><channel>…`: no default namespace, RSS 2.0's own elements plus
    content:encoded, dc:creator, dc:date, sy:updatePeriod/Frequency, atom:link rel=self."""

    version = "rss20"
    lang: str | None = None  # xml:lang in scope in the channel

    def read(self, root: ET.Element) -> FastResult:
        if not known_attrs(root, frozenset({"version"})).get("version", "").startswith("2."):
            raise Unsure("rss version")
        lang = lang_of(root, None)
        if lang:
            self.feed["language"] = lang.replace("_", "-")
        channels = list(root)
        if len(channels) != 1 or channels[0].tag != "channel":
            raise Unsure("not one channel")
        known_attrs(channels[0], NO_ATTRS)
        self.lang = lang_of(channels[0], lang)
        seen: set[str] = set()
        for child in channels[0]:
            self.channel_child(child, seen)
        return self.result()

    def channel_child(self, child: ET.Element, seen: set[str]) -> None:
        tag, feed = child.tag, self.feed
        if tag == "item":
            self.item(child)
            return
        if tag in _RSS_CHANNEL_ONCE:
            once(seen, _RSS_CHANNEL_ONCE[tag])
            known_attrs(child, NO_ATTRS)
        if tag == "title":
            detail = self.content(child, "text/plain", None, NO_ATTRS)
            feed["title"], feed["title_detail"] = detail["value"], detail
        elif tag == "link":
            feed["link"] = LINK_ENTITY.sub(r"&\g<1>", self.text(child, uri=True))
        elif tag in ("language", f"{{{DC}}}language"):
            feed["language"] = self.text(child)
        elif tag == "ttl":
            feed["ttl"] = self.text(child)
        elif tag == f"{{{SY}}}updatePeriod":
            feed["sy_updateperiod"] = self.text(child)
        elif tag == f"{{{SY}}}updateFrequency":
            feed["sy_updatefrequency"] = self.text(child)
        elif tag in ("managingEditor", f"{{{DC}}}creator"):
            feed["author"] = self.text(child)
            author_from_text(feed)
        elif tag in _RSS_INERT_CHANNEL:
            known_attrs(child, _CATEGORY_ATTRS if tag == "category" else NO_ATTRS)
            no_children(child)
        elif tag == "image":
            known_attrs(child, NO_ATTRS)
            for part in child:
                if part.tag not in _IMAGE_CHILDREN:
                    raise Unsure(f"image/{part.tag}")
                known_attrs(part, NO_ATTRS)
                no_children(part)
        elif tag == f"{{{ATOM}}}link":
            attrs = known_attrs(child, frozenset({"rel", "href", "type", "title"}))
            if attrs.get("rel", "alternate") == "alternate" or not attrs.get("href"):
                raise Unsure("atom:link alternate in a channel")
            no_children(child)
        else:
            raise Unsure(f"channel/{tag}")

    def item(self, element: ET.Element) -> None:
        known_attrs(element, NO_ATTRS)
        entry: Entry = {"links": []}
        self.entries.append(entry)
        lang = lang_of(element, self.lang)
        seen: set[str] = set()
        for child in element:
            self.item_child(entry, child, lang_of(child, lang), seen)

    def item_child(self, entry: Entry, child: ET.Element, lang: str | None, seen: set[str]) -> None:
        tag = child.tag
        if tag == "enclosure":
            attrs = known_attrs(child, _ENCLOSURE_ATTRS)
            no_children(child)
            link = {"rel": "enclosure", **attrs}
            if "url" in link:
                link["href"] = link.pop("url")
            entry["links"].append(link)
            return
        if tag in _RSS_INERT_ITEM:
            known_attrs(child, _CATEGORY_ATTRS if tag == "category" else NO_ATTRS)
            no_children(child)
            return
        key = _ITEM_KEYS.get(tag, tag)
        once(seen, key)
        if tag == "guid":
            attrs = known_attrs(child, _GUID_ATTRS)
            is_link = attrs.get("ispermalink", "true") == "true"
            entry["id"] = self.text(child, uri=is_link)
            if is_link:
                entry.setdefault("link", entry["id"])
            return
        known_attrs(child, NO_ATTRS)
        if tag == "title":
            detail = self.content(child, "text/plain", lang, NO_ATTRS)
            entry["title"], entry["title_detail"] = detail["value"], detail
        elif tag == "link":
            entry["links"].append({"rel": "alternate", "type": "text/html"})
            value = self.text(child, uri=True).replace("&amp;", "&")
            value = LINK_ENTITY.sub(r"&\g<1>", value)
            entry["link"] = value
            if value:
                entry["links"][-1]["href"] = value
        elif tag == "description":
            detail = self.content(child, "text/html", lang, NO_ATTRS)
            entry["summary"], entry["summary_detail"] = detail["value"], detail
        elif key == "content":
            entry["content"] = [self.content(child, "text/html", lang, NO_ATTRS)]
        elif key in ("published", "updated"):
            self.date(entry, key, child)
        elif key == "author":
            entry["author"] = self.text(child)
            author_from_text(entry)
        else:
            raise Unsure(f"item/{tag}")
