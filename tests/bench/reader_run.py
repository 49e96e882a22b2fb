"""The reader (lemon24) contender: one update of every feed, run in reader's own venv.

    READER_PYTHON -m tests.bench.reader_run DB URLS_FILE WORKERS

reader is not a project dependency: the bench runs this file with the interpreter of a
separate virtual environment (`--reader-python`, by default /tmp/aigeo-bench-reader/bin/python;
make it with `python3 -m venv DIR && DIR/bin/pip install reader sgmllib3k`;
reader 3.26 imports sgmllib when parsing). It imports nothing of
aigeo. Feeds are added on the first run; `update_feeds(workers=N)` does the conditional
GETs (reader keeps ETag / Last-Modified) and stores the entries. Prints the entries stored.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader import make_reader


def main() -> None:
    """Command line (see the module docstring)."""
    db, urls_file, workers = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    reader = make_reader(db)
    try:
        known = {feed.url for feed in reader.get_feeds()}
        for url in urls_file.read_text().split():
            if url not in known:
                reader.add_feed(url)
        reader.update_feeds(workers=workers, scheduled=False)  # every feed, due or not
        print(reader.get_entry_counts().total)
    finally:
        reader.close()


if __name__ == "__main__":
    main()
