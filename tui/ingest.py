"""Ingest: turn seed documents and parsed feed entries into classified, stored items."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass

from tui.corpus import SeedDocument, read_seed_documents
from tui.model import Classification, NewItem
from tui.store import SaveResult, Store
from tui.text import content_hash
from tui.themes import Lexicon, load_lexicon

LEXICON_META_KEY = "lexicon_version"
SEEDS_META_KEY = "seed_corpus_digest"


def classify_items(
    lexicon: Lexicon, items: Iterable[NewItem]
) -> list[tuple[NewItem, Classification]]:
    """Pair every item with the classifier's verdict on its title and text."""
    return [(item, lexicon.classify(item.title, item.text)) for item in items]


UNDATED_SORT_AT = "0001-01-01T00:00:00+00:00"  # undated seeds sort after everything dated


def seed_to_item(doc: SeedDocument, page_dates: dict[str, str | None] | None = None) -> NewItem:
    """A seed document as a storable item (its file stem is its guid).

    An undated "related" item sorts with the page it was found on; other undated seeds
    sort last rather than posing as the newest articles.
    """
    sort_at = None
    if doc.published is None:
        sort_at = (page_dates or {}).get(doc.page or "") or UNDATED_SORT_AT
    return NewItem(
        guid=doc.guid,
        title=doc.title,
        url=doc.url,
        author=doc.author,
        published=doc.published,
        summary=None,
        content=doc.body,
        text=doc.text,
        content_hash=content_hash(doc.title, doc.text),
        lang=doc.lang,
        sort_at=sort_at,
    )


def _seed_digest(docs: Sequence[SeedDocument], lexicon: Lexicon) -> str:
    digest = hashlib.sha256(lexicon.version.encode())
    for doc in docs:
        digest.update(repr(astuple(doc)).encode())
    return digest.hexdigest()[:16]


@dataclass(slots=True)
class SeedLoad:
    """What loading the seed corpus did."""

    source_id: int
    documents: int
    result: SaveResult | None  # None when the store already had this exact corpus


def load_seed_corpus(store: Store, lexicon: Lexicon | None = None) -> SeedLoad:
    """Load seeds/ into the "Seed corpus" source; a no-op when already loaded as is."""
    lexicon = lexicon or load_lexicon()
    docs = read_seed_documents()
    source_id = store.seed_source_id()
    digest = _seed_digest(docs, lexicon)
    if store.get_meta(SEEDS_META_KEY) == digest:
        return SeedLoad(source_id, len(docs), None)
    page_dates = {doc.guid: doc.published for doc in docs}
    items = [seed_to_item(doc, page_dates) for doc in docs]
    result = store.save_items(source_id, classify_items(lexicon, items))
    store.set_meta(SEEDS_META_KEY, digest)
    if store.get_meta(LEXICON_META_KEY) is None:
        store.set_meta(LEXICON_META_KEY, lexicon.version)
    return SeedLoad(source_id, len(docs), result)


def retheme(store: Store, lexicon: Lexicon | None = None, batch_size: int = 2000) -> int:
    """Re-score every stored item with the lexicon; user decisions stay. Returns items done."""
    lexicon = lexicon or load_lexicon()
    done = 0
    for batch in store.iter_item_texts(batch_size):
        done += store.set_rule_classifications(
            (item_id, lexicon.classify(title, text)) for item_id, title, text in batch
        )
    store.set_meta(LEXICON_META_KEY, lexicon.version)
    return done


def lexicon_is_stale(store: Store, lexicon: Lexicon) -> bool:
    """True when the store was themed with another version of the lexicon."""
    stored = store.get_meta(LEXICON_META_KEY)
    return stored is not None and stored != lexicon.version
