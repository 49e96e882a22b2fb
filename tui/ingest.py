"""Ingest: turn seed documents and parsed feed entries into classified, stored items."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui.config import seeds_dir
from tui.model import Classification, NewItem, SaveResult
from tui.plain_text import content_hash
from tui.store import Store
from tui.themes import Lexicon, load_lexicon

LEXICON_META_KEY = "lexicon_version"
SEEDS_META_KEY = "seed_corpus_digest"
SEED_FILES_META_KEY = "seed_corpus_files"  # a digest of the raw files (see seed_files_digest)

if TYPE_CHECKING:  # tui.corpus (its regexes, ~2 ms) loads only when the seeds have changed
    from tui.corpus import SeedDocument

#: The seed reader's source, beside this module (part of seed_files_digest).
CORPUS_MODULE = Path(__file__).with_name("corpus.py")


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


def seed_files_digest(lexicon: Lexicon, directory: Path | None = None) -> tuple[str, int]:
    """A digest of the seed files' names and bytes, the lexicon version and the code that
    reads them (size and mtime of tui/corpus.py and this module): equal means loading
    them again would store the same items (and how many files there are). Reading the
    bytes costs ~0.1 ms; parsing the seeds ~9 ms, which every dashboard start and
    command paid to find nothing new."""
    directory = seeds_dir() if directory is None else directory
    digest = hashlib.sha256(f"{lexicon.version}\0".encode())
    for module in (CORPUS_MODULE, Path(__file__)):
        st = module.stat()
        digest.update(f"{module.name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    paths = sorted((p for p in directory.glob("*.md") if p.is_file()), key=lambda p: p.name)
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16], len(paths)


def load_seed_corpus(store: Store, lexicon: Lexicon | None = None) -> SeedLoad:
    """Load seeds/ into the "Seed corpus" source; a no-op when already loaded as is."""
    lexicon = lexicon or load_lexicon()
    source_id = store.seed_source_id()
    try:
        files, count = seed_files_digest(lexicon)
    except OSError:
        files = None  # read_seed_documents says what is wrong
    if files is not None and store.get_meta(SEED_FILES_META_KEY) == files:
        return SeedLoad(source_id, count, None)
    from tui.corpus import read_seed_documents

    docs = read_seed_documents()
    digest = _seed_digest(docs, lexicon)
    if store.get_meta(SEEDS_META_KEY) == digest:
        if files is not None:
            store.set_meta(SEED_FILES_META_KEY, files)
        return SeedLoad(source_id, len(docs), None)
    page_dates = {doc.guid: doc.published for doc in docs}
    items = [seed_to_item(doc, page_dates) for doc in docs]
    result = store.save_items(source_id, classify_items(lexicon, items))
    store.set_meta(SEEDS_META_KEY, digest)
    if files is not None:
        store.set_meta(SEED_FILES_META_KEY, files)
    if store.get_meta(LEXICON_META_KEY) is None:
        store.set_meta(LEXICON_META_KEY, lexicon.version)
    return SeedLoad(source_id, len(docs), result)


# Below this many items re-theming stays in this process: starting workers costs more.
RETHEME_PARALLEL_MIN = 20_000

_worker_lexicon: Lexicon | None = None
_worker_store: Store | None = None


def _retheme_worker_init(lexicon_state: bytes, db_path: str) -> None:
    """A re-theme worker: ignore Ctrl+C (the parent decides), unpickle the lexicon and
    open its own connection to the database, once."""
    import pickle
    import signal

    from tui.lifecycle import die_with_parent

    global _worker_lexicon, _worker_store
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_lexicon = pickle.loads(lexicon_state)
    _worker_store = Store.open(db_path, migrate=False)


def _retheme_range(first: int, last: int) -> tuple[int, list[tuple[int, Classification]]]:
    """In a worker: classify the items with ids in [first, last]; returns how many there
    were and the (id, classification) of those whose stored themes or actors differ."""
    assert _worker_lexicon is not None and _worker_store is not None
    rows = _worker_store.item_texts_between(first, last)
    classified = [(i, _worker_lexicon.classify(title, text)) for i, title, text in rows]
    return len(rows), _worker_store.changed_rule_classifications(classified)


def retheme(
    store: Store,
    lexicon: Lexicon | None = None,
    batch_size: int = 2000,
    *,
    workers: int | None = None,
) -> int:
    """Re-score every stored item with the lexicon; user decisions stay. Returns items done.

    Items whose classification did not change are not written. From
    RETHEME_PARALLEL_MIN items on (a store on disk), worker processes (one per core
    unless `workers` says otherwise) each read a range of ids, classify it and compare
    with what is stored; this process only writes the changes.
    """
    from tui.feeds.refresh_types import default_workers

    lexicon = lexicon or load_lexicon()
    count = workers or default_workers()
    done = 0
    if count > 1 and store.path is not None and store.count_items() >= RETHEME_PARALLEL_MIN:
        for seen, changed in _retheme_in_workers(store, lexicon, batch_size, count):
            if changed:
                store.set_rule_classifications(changed)
            done += seen
    else:
        for batch in store.iter_item_texts(batch_size):
            store.update_rule_classifications(
                [(item_id, lexicon.classify(title, text)) for item_id, title, text in batch]
            )
            done += len(batch)
    store.set_meta(LEXICON_META_KEY, lexicon.version)
    return done


def _retheme_in_workers(
    store: Store, lexicon: Lexicon, batch_size: int, workers: int
) -> Iterator[tuple[int, list[tuple[int, Classification]]]]:
    """Results of _retheme_range over every id range, in order, a few ranges in flight."""
    import pickle
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    from tui.feeds.workers import _mp_context, _start_helpers

    context = _mp_context()
    _start_helpers(context)
    state = pickle.dumps(lexicon)
    pending: deque[Future[tuple[int, list[tuple[int, Classification]]]]] = deque()
    with ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_retheme_worker_init,
        initargs=(state, str(store.path)),
    ) as pool:
        for first, last in store.item_id_ranges(batch_size):
            pending.append(pool.submit(_retheme_range, first, last))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def lexicon_is_stale(store: Store, lexicon: Lexicon) -> bool:
    """True when the store was themed with another version of the lexicon."""
    stored = store.get_meta(LEXICON_META_KEY)
    return stored is not None and stored != lexicon.version
