"""Getting feeds: fetch (HTTP), schedule, parse (formats), parse workers, the poller,
OPML, full-article fetching and source health."""
