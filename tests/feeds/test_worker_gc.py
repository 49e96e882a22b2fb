"""The parse worker function pauses the cyclic GC for its job, and puts it back."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

import tui.feeds.parse
from tui.feeds.workers import ParseJob, parse_and_classify

RSS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    b"<item><title>AI chips</title><guid>1</guid><description>Nvidia and TSMC</description>"
    b"</item></channel></rss>"
)


@pytest.fixture
def gc_state() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


@pytest.mark.usefixtures("gc_state")
@pytest.mark.parametrize("enabled", [True, False])
def test_gc_off_during_the_job_and_as_it_was_after(
    enabled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    parse_feed = tui.feeds.parse.parse_feed

    def spy(*args: object, **kwargs: object) -> tui.feeds.parse.ParsedFeed:
        seen.append(gc.isenabled())
        return parse_feed(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tui.feeds.parse, "parse_feed", spy)
    (gc.enable if enabled else gc.disable)()
    outcome = parse_and_classify(ParseJob(RSS, "https://example.com/feed"))
    assert [entry.title for entry, _ in outcome.entries] == ["AI chips"]
    assert seen == [False]
    assert gc.isenabled() is enabled


@pytest.mark.usefixtures("gc_state")
def test_gc_back_on_when_the_job_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(tui.feeds.parse, "parse_feed", broken)
    gc.enable()
    with pytest.raises(RuntimeError):
        parse_and_classify(ParseJob(RSS, "https://example.com/feed"))
    assert gc.isenabled()
