"""Pure helpers of the poller: header parsing, bounded inflating, next-check arithmetic."""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from tui.feeds.fetch import (
    INFLATE_STEP,
    UnsupportedEncoding,
    _decoders,
    _through,
    clean_validator,
    parse_max_age,
    parse_retry_after,
    url_allowed,
)
from tui.feeds.schedule import adaptive_interval, backoff_interval, success_interval


def inflate(encoding: str, data: bytes, chunk: int = 1000) -> tuple[bytes, int]:
    """Decode `data` in chunks; returns the output and the largest piece produced."""
    decoders = _decoders(encoding)
    out, largest = bytearray(), 0
    for start in range(0, len(data), chunk):
        for piece in _through(decoders, data[start : start + chunk]):
            out += piece
            largest = max(largest, len(piece))
    for piece in _through(decoders, b"", final=True):
        out += piece
    return bytes(out), largest


def test_retry_after_forms() -> None:
    now = datetime(2025, 7, 9, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    later = format_datetime(now + timedelta(minutes=30), usegmt=True)
    assert parse_retry_after(later, now) == pytest.approx(1800)
    past = format_datetime(now - timedelta(minutes=30), usegmt=True)
    assert parse_retry_after(past, now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_max_age() -> None:
    assert parse_max_age("public, max-age=600") == 600
    assert parse_max_age("s-maxage=10, max-age=300") == 300
    assert parse_max_age("no-cache, max-age=600") is None
    assert parse_max_age("private") is None


def test_validators_are_sent_back_only_when_safe() -> None:
    assert clean_validator('W/"abc"') == 'W/"abc"'
    assert clean_validator("a\r\nX-Injected: 1") is None
    assert clean_validator("x" * 1000) is None


@pytest.mark.parametrize(
    ("url", "ok"),
    [("https://a.example/f", True), ("ftp://a.example/", False), ("http:///x", False)],
)
def test_url_allowed(url: str, ok: bool) -> None:
    assert (url_allowed(url) is None) is ok


def test_gzip_multi_member_and_bounded_steps() -> None:
    data = gzip.compress(b"a" * 300_000) + gzip.compress(b"b" * 10)
    out, largest = inflate("gzip", data)
    assert out == b"a" * 300_000 + b"b" * 10
    assert largest <= INFLATE_STEP


def test_deflate_with_and_without_zlib_header() -> None:
    body = b"<rss/>" * 1000
    assert inflate("deflate", zlib.compress(body))[0] == body
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    assert inflate("deflate", raw.compress(body) + raw.flush())[0] == body


def test_nested_encodings_are_undone_in_order() -> None:
    body = b"<feed/>" * 500
    assert inflate("gzip, deflate", zlib.compress(gzip.compress(body)))[0] == body
    assert inflate("identity", body)[0] == body


def test_unsupported_encoding() -> None:
    with pytest.raises(UnsupportedEncoding):
        _decoders("br")


def test_adaptive_interval_follows_the_feed() -> None:
    hourly = [f"2025-07-09T{h:02d}:00:00+00:00" for h in range(10)]
    assert adaptive_interval(hourly, default_s=3600, min_s=60, max_s=86400) == 1800
    daily = [f"2025-07-{d:02d}T00:00:00+00:00" for d in range(1, 10)]
    assert adaptive_interval(daily, default_s=3600, min_s=60, max_s=86400) == 43200
    assert adaptive_interval(daily[:2], default_s=3600, min_s=60, max_s=86400) == 3600
    busy = [f"2025-07-09T00:{m:02d}:00+00:00" for m in range(10)]
    assert adaptive_interval(busy, default_s=3600, min_s=1800, max_s=86400) == 1800


def test_success_interval_respects_ttl_max_age_and_retry_after() -> None:
    kw = {"adaptive_s": 1800.0, "min_s": 900.0, "max_s": 86400.0}
    assert success_interval(ttl_minutes=None, max_age_s=None, retry_after_s=None, **kw) == 1800
    assert success_interval(ttl_minutes=120, max_age_s=None, retry_after_s=None, **kw) == 7200
    assert success_interval(ttl_minutes=None, max_age_s=10800, retry_after_s=None, **kw) == 10800
    assert success_interval(ttl_minutes=99999, max_age_s=None, retry_after_s=None, **kw) == 86400
    assert success_interval(ttl_minutes=None, max_age_s=None, retry_after_s=2e5, **kw) == 2e5


def test_backoff_doubles_up_to_the_cap_and_honours_retry_after() -> None:
    waits = [backoff_interval(n, base_s=300, cap_s=86400) for n in range(1, 12)]
    assert waits[:4] == [300, 600, 1200, 2400]
    assert waits[-1] == 86400 and max(waits) == 86400
    assert backoff_interval(1000, base_s=300, cap_s=86400) == 86400
    assert backoff_interval(1, base_s=300, cap_s=86400, retry_after_s=7200) == 7200
    assert backoff_interval(1, base_s=300, cap_s=86400, retry_after_s=1e9) == 7 * 86400


def test_poll_settings_from_a_toml_table() -> None:
    from tui.feeds.poller import PollSettings

    settings, problems = PollSettings.from_mapping(
        {
            "concurrency": 8,
            "deadline_s": 10,
            "user_agent": "x",
            "per_host": 0,
            "bogus": 1,
            "max_bytes": "big",
            "trust_env": False,
        }
    )
    assert (settings.concurrency, settings.deadline_s, settings.user_agent) == (8, 10.0, "x")
    assert settings.trust_env is False
    assert settings.per_host == PollSettings().per_host
    assert len(problems) == 3
