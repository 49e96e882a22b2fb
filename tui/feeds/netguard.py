"""Refuse private network targets: the full-article fetcher's defence against SSRF.

A feed chooses the links `f` / `aigeo fetch-article` fetch, so a hostile feed could
point them at 127.0.0.1, the router, a cloud metadata service (169.254.169.254) or an
intranet, and the page's text would land in the item (and in briefs).

The check happens where the connection is made: `GuardedBackend` is an httpcore
network backend that resolves the host itself, refuses the connection when any of its
addresses is not public, and connects to the address it checked. So there is no gap
between check and connect for DNS rebinding to use, every redirect hop (a new
connection) is checked, and odd spellings (2130706433, 0x7f.1, ::ffff:127.0.0.1) are
judged by the address they resolve to. TLS still verifies the certificate for the
host name (SNI) and the Host header is the URL's: only the socket's target changes.

The article client built here ignores proxy variables (a proxy would resolve names
itself, past the check). `[article] allow_private = true` turns the guard off for
users who read an intranet on purpose; proxies are then honoured again.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
ALLOW_HINT = "set allow_private = true under [article] in config.toml to read intranet pages"


class PrivateTargetRefused(httpcore.ConnectError):
    """The host resolves to an address that is not public; no connection was made."""


def address_refusal(address: IPAddress) -> str | None:
    """Why `address` must not be fetched (e.g. "loopback"), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and (why := address_refusal(embedded)):
            return why
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    )
    for name, hit in checks:
        if hit:
            return name
    return None if address.is_global else "not globally routable"


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (literal addresses, in any spelling, included)."""
    literal = host.strip("[]")
    infos = await asyncio.get_running_loop().getaddrinfo(
        literal, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


async def public_addresses(host: str, port: int) -> list[IPAddress]:
    """`host`'s addresses when every one is public, else PrivateTargetRefused."""
    try:
        addresses = await resolve(host, port)
    except (OSError, UnicodeError, ValueError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host!r}: {exc}") from exc
    if not addresses:
        raise httpcore.ConnectError(f"cannot resolve {host!r}")
    for address in addresses:
        if why := address_refusal(address):
            shown = host if host.strip("[]") == str(address) else f"{host} ({address})"
            raise PrivateTargetRefused(
                f"refused: {shown} is not a public address ({why}); {ALLOW_HINT}"
            )
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's default backend, connecting only to checked public addresses."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await public_addresses(host, port)
        last: Exception | None = None
        for address in addresses:  # the checked addresses, and only those
            try:
                return await self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(*, verify: ssl.SSLContext | bool = True) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection goes through `GuardedBackend`."""
    transport = httpx.AsyncHTTPTransport(verify=verify)
    # httpx builds its httpcore pool without a way to pass a network backend; the pool
    # reads this attribute for every new connection (httpcore 1.x).
    transport._pool._network_backend = GuardedBackend()
    return transport
