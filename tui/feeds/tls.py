"""The TLS context of the refresh's HTTP client, built ahead of time in a thread.

httpx builds its default SSLContext when a client is made: certifi's CA bundle (or, with
trust_env, SSL_CERT_FILE / SSL_CERT_DIR), ~20-40 ms, nearly all of it inside OpenSSL,
which lets go of the GIL. `aigeo refresh` calls `prepare()` first thing, so the context
is built while the command imports its modules; the poller then `take`s it. A context
that was not prepared (or was prepared for other settings) is built on the spot, as
httpx would. Each prepared context goes to one client.

`build` mirrors `httpx.create_ssl_context(verify=True, trust_env=…)` (httpx 0.28) without
importing httpx in the thread (an import there would hold the GIL the main thread's imports
need); tests/feeds/test_tls.py compares the two.
"""

from __future__ import annotations

import os
import ssl
import threading
from concurrent.futures import Future

Key = tuple[str, str]  # (how, where): the CA source the context trusts

_lock = threading.Lock()
_prepared: dict[Key, Future[ssl.SSLContext]] = {}


def _key(trust_env: bool) -> Key:
    if trust_env and os.environ.get("SSL_CERT_FILE"):
        return ("cafile", os.environ["SSL_CERT_FILE"])
    if trust_env and os.environ.get("SSL_CERT_DIR"):
        return ("capath", os.environ["SSL_CERT_DIR"])
    return ("certifi", "")


def _build(key: Key) -> ssl.SSLContext:
    how, where = key
    if how == "cafile":
        return ssl.create_default_context(cafile=where)
    if how == "capath":
        return ssl.create_default_context(capath=where)
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def build(trust_env: bool = True) -> ssl.SSLContext:
    """The context httpx would make for `verify=True` with this `trust_env`."""
    return _build(_key(trust_env))


def prepare(trust_env: bool = True) -> None:
    """Start building a context in a daemon thread (once per CA source)."""
    key = _key(trust_env)
    with _lock:
        if key in _prepared:
            return
        future: Future[ssl.SSLContext] = Future()
        _prepared[key] = future

    def run() -> None:
        try:
            future.set_result(_build(key))
        except BaseException as exc:  # taken by the client, which then builds its own
            future.set_exception(exc)

    threading.Thread(target=run, name="aigeo-tls", daemon=True).start()


def take(trust_env: bool = True) -> ssl.SSLContext:
    """The prepared context for these settings (waiting for it), else a new one."""
    with _lock:
        future = _prepared.pop(_key(trust_env), None)
    if future is not None:
        try:
            return future.result()
        except Exception:  # built again below, where its error is raised
            pass
    return build(trust_env)
