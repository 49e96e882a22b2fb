"""HTTP fetching with hard limits: one feed URL → a body or a clean error, never an exception.

Redirects are followed here (not by httpx) so that a permanent redirect can update the
stored URL, loops are detected and only http/https targets are accepted. Bodies are read
raw and inflated incrementally in bounded steps, so neither a large body nor a gzip bomb
(gzip inside gzip included) can grow memory beyond the configured cap.
"""

from __future__ import annotations

import asyncio
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from tui.feeds.schedule import RETRY_AFTER_CEILING_S

ALLOWED_SCHEMES = frozenset({"http", "https"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
INFLATE_STEP = 64 * 1024  # the most one inflate call may produce
MAX_HEADER_VALUE = 512
DRAIN_LIMIT = 64 * 1024  # an error page or redirect body up to this is read to keep the connection
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


class BodyTooLarge(Exception):
    """The (decompressed) body went past the byte cap."""


class UnsupportedEncoding(Exception):
    """A Content-Encoding this fetcher does not decode."""


@dataclass(slots=True)
class FetchResponse:
    """The outcome of fetching one feed URL (status None when no response was had)."""

    url: str  # the URL that answered last
    status: int | None = None
    body: bytes | None = None
    error: str | None = None
    moved_to: str | None = None  # the new permanent URL after a 301/308-only chain
    redirects: int = 0
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    max_age_s: int | None = None  # Cache-Control max-age
    retry_after_s: float | None = None
    nbytes: int = 0  # bytes received on the wire


def url_allowed(url: str) -> str | None:
    """None when `url` is an absolute http(s) URL with a host, else why not."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        return f"invalid URL ({exc})"
    if parsed.scheme not in ALLOWED_SCHEMES:
        scheme = parsed.scheme or "no scheme"
        return f"only http and https URLs are fetched, not {scheme}"
    if not parsed.host:
        return "URL has no host"
    return None


_DELTA_SECONDS = re.compile(r"[0-9]+")  # ASCII: str.isdigit() also takes "²", int() not


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date.

    At most RETRY_AFTER_CEILING_S (a week): a server asking for more is not believed,
    and a value of thirty nines once overflowed the next-check date, so the whole
    outcome of that fetch could not be stored.
    """
    if not value:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        if len(value) > 9:  # past any ceiling (and int() refuses over 4,300 digits)
            return float(RETRY_AFTER_CEILING_S)
        return float(min(int(value), RETRY_AFTER_CEILING_S))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return min(float(RETRY_AFTER_CEILING_S), max(0.0, (when - now).total_seconds()))


_MAX_AGE = re.compile(r"(?:^|[,\s])(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def parse_max_age(value: str | None) -> int | None:
    """max-age seconds from a Cache-Control header (None for no-cache/no-store or absent)."""
    if not value or re.search(r"no-(?:cache|store)", value, re.IGNORECASE):
        return None
    match = _MAX_AGE.search(value)
    return int(match.group(1)) if match else None


def clean_validator(value: str | None) -> str | None:
    """An ETag/Last-Modified worth sending back: printable ASCII, bounded length."""
    if not value or len(value) > MAX_HEADER_VALUE:
        return None
    if not all(" " <= ch <= "~" for ch in value):
        return None
    return value


# --------------------------------------------------------------------------- inflating


class _Inflater:
    """One Content-Encoding layer (gzip or deflate), inflated in bounded steps."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._raw_deflate = False
        self._started = False
        self._d = self._new()

    def _new(self) -> zlib._Decompress:
        if self.encoding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Inflate `data`, yielding pieces of at most INFLATE_STEP bytes."""
        while True:
            try:
                out = self._d.decompress(data, INFLATE_STEP)
            except zlib.error:
                # "deflate" is often sent as a raw stream without the zlib header.
                if self.encoding == "deflate" and not self._started and not self._raw_deflate:
                    self._raw_deflate = True
                    self._d = self._new()
                    continue
                raise
            self._started = True
            if out:
                yield out
            data = self._d.unconsumed_tail
            if self._d.eof:
                rest = self._d.unused_data
                if self.encoding == "gzip" and rest.strip(b"\0"):
                    self._d = self._new()  # another gzip member follows
                    data = rest
                    continue
                return
            if not data and len(out) < INFLATE_STEP:
                return

    def flush(self) -> Iterator[bytes]:
        """Whatever output is still held after the last input."""
        yield from self.feed(b"")


def _decoders(content_encoding: str | None) -> list[_Inflater]:
    """Inflaters in the order they must be applied (last encoding applied first)."""
    if not content_encoding:
        return []
    names = [p.strip().lower() for p in content_encoding.split(",") if p.strip()]
    decoders = []
    for name in reversed(names):
        if name in ("identity", "none"):
            continue
        if name in ("gzip", "x-gzip"):
            decoders.append(_Inflater("gzip"))
        elif name == "deflate":
            decoders.append(_Inflater("deflate"))
        else:
            raise UnsupportedEncoding(f"unsupported Content-Encoding {name!r}")
    return decoders


def _through(decoders: list[_Inflater], chunk: bytes, final: bool = False) -> Iterator[bytes]:
    """Pass one raw chunk through the decoder chain lazily (bounded pieces all the way)."""
    pieces: Iterator[bytes] = iter((chunk,)) if chunk else iter(())
    for decoder in decoders:
        pieces = _chain_feed(decoder, pieces, final)
    return pieces


def _chain_feed(decoder: _Inflater, pieces: Iterator[bytes], final: bool) -> Iterator[bytes]:
    for piece in pieces:
        yield from decoder.feed(piece)
    if final:
        yield from decoder.flush()


async def read_body(response: httpx.Response, max_bytes: int) -> tuple[bytes, int]:
    """The decoded body (at most `max_bytes`) and the number of raw bytes read.

    Raises BodyTooLarge past the cap (raw or decoded), UnsupportedEncoding, zlib.error.
    """
    decoders = _decoders(response.headers.get("content-encoding"))
    body = bytearray()
    raw = 0
    async for chunk in response.aiter_raw():
        raw += len(chunk)
        if raw > max_bytes:
            raise BodyTooLarge(f"body larger than {max_bytes} bytes")
        for piece in _through(decoders, chunk):
            body += piece
            if len(body) > max_bytes:
                raise BodyTooLarge(f"decompressed body larger than {max_bytes} bytes")
    for piece in _through(decoders, b"", final=True):
        body += piece
        if len(body) > max_bytes:
            raise BodyTooLarge(f"decompressed body larger than {max_bytes} bytes")
    return bytes(body), raw


# --------------------------------------------------------------------------- fetching


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = 10 * 1024 * 1024,
    max_redirects: int = 5,
    deadline_s: float = 30.0,
    accept: str = ACCEPT,
) -> FetchResponse:
    """GET a feed with conditional headers, following redirects by hand, within a deadline.

    Never raises (except cancellation): every failure is a FetchResponse with `error` set.
    `accept` is the Accept header (feed types by default; the article fetcher asks for HTML).
    """
    result = FetchResponse(url=url)
    try:
        async with asyncio.timeout(deadline_s):
            await _fetch(client, result, etag, last_modified, max_bytes, max_redirects, accept)
    except TimeoutError:
        result.body = None
        result.error = f"timed out after {deadline_s:g} s"
    return result


async def _fetch(
    client: httpx.AsyncClient,
    result: FetchResponse,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    max_redirects: int,
    accept: str = ACCEPT,
) -> None:
    headers = {"Accept": accept, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    seen = {result.url}
    permanent = True
    url = result.url
    while True:
        if why := url_allowed(url):
            result.error = why if not result.redirects else f"redirect refused: {why}"
            return
        try:
            async with client.stream("GET", url, headers=headers) as response:
                result.status = response.status_code
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    result.nbytes += _approx_header_bytes(response) + await _drain(response)
                    try:
                        next_url = str(response.url.join(location))
                    except (httpx.InvalidURL, ValueError):
                        result.error = f"redirect to an invalid URL ({location[:200]!r})"
                        return
                    permanent = permanent and response.status_code in PERMANENT_REDIRECTS
                    if permanent:
                        result.moved_to = next_url
                else:
                    await _take_response(response, result, max_bytes)
                    return
        except httpx.HTTPError as exc:
            result.error = _describe_http_error(exc)
            return
        except httpx.InvalidURL as exc:  # httpx pre-builds the redirect; a bad Location fails
            result.error = f"redirect refused: invalid URL ({exc})"
            return
        result.redirects += 1
        if result.redirects > max_redirects:
            result.error = f"too many redirects (more than {max_redirects})"
            return
        if next_url in seen:
            result.error = f"redirect loop at {next_url}"
            return
        seen.add(next_url)
        url = result.url = next_url


async def _take_response(response: httpx.Response, result: FetchResponse, max_bytes: int) -> None:
    """Record headers of the final response and, for a 200, read its body within the cap."""
    headers = response.headers
    result.etag = clean_validator(headers.get("etag"))
    result.last_modified = clean_validator(headers.get("last-modified"))
    result.content_type = headers.get("content-type")
    result.max_age_s = parse_max_age(headers.get("cache-control"))
    result.retry_after_s = parse_retry_after(headers.get("retry-after"))
    result.nbytes += _approx_header_bytes(response)
    if response.status_code != 200:
        result.nbytes += await _drain(response)
        return
    declared = headers.get("content-length", "")
    if _DELTA_SECONDS.fullmatch(declared) and int(declared) > max_bytes:
        result.error = f"body too large ({int(declared)} bytes, limit {max_bytes})"
        return
    try:
        body, raw = await read_body(response, max_bytes)
    except BodyTooLarge as exc:
        result.error = str(exc)
        return
    except UnsupportedEncoding as exc:
        result.error = str(exc)
        return
    except zlib.error as exc:
        result.error = f"corrupt compressed body ({exc})"
        return
    result.nbytes += raw
    result.body = body


async def _drain(response: httpx.Response, limit: int = DRAIN_LIMIT) -> int:
    """Read (and drop) a small unwanted body so the connection can be kept alive.

    A body larger than `limit` is left unread: the connection is closed instead.
    """
    declared = response.headers.get("content-length", "")
    if not _DELTA_SECONDS.fullmatch(declared) or int(declared) > limit:
        return 0
    seen = 0
    async for chunk in response.aiter_raw():
        seen += len(chunk)
        if seen > limit:
            break
    return seen


def _approx_header_bytes(response: httpx.Response) -> int:
    return sum(len(k) + len(v) + 4 for k, v in response.headers.raw)


def _describe_http_error(exc: httpx.HTTPError) -> str:
    """A one-line reason for a transport-level failure."""
    kind = {
        httpx.ConnectTimeout: "connect timeout",
        httpx.ReadTimeout: "read timeout",
        httpx.ConnectError: "cannot connect",
        httpx.ReadError: "connection lost while reading",  # e.g. reset by the server
        httpx.WriteError: "connection lost while sending",
        httpx.WriteTimeout: "write timeout",
        httpx.RemoteProtocolError: "protocol error",
        httpx.UnsupportedProtocol: "unsupported protocol",
    }.get(type(exc), type(exc).__name__)
    detail = str(exc).strip()
    return f"{kind}: {detail}" if detail else kind
