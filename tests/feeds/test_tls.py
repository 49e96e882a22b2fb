"""tui.feeds.tls builds the same TLS context httpx would (verify=True), ahead of time."""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import httpx
import pytest

from tui.feeds import tls


def _fingerprint(ctx: ssl.SSLContext) -> tuple[object, ...]:
    return (
        ctx.verify_mode,
        ctx.check_hostname,
        ctx.minimum_version,
        ctx.options,
        ctx.verify_flags,
        ctx.cert_store_stats(),
        sorted(str(c.get("serialNumber")) for c in ctx.get_ca_certs()),
    )


@pytest.mark.parametrize("trust_env", [True, False])
@pytest.mark.parametrize("env", ["none", "file", "dir"])
def test_the_context_is_the_one_httpx_makes(
    trust_env: bool, env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    if env == "file":  # a bundle of two CAs, so it differs from certifi's
        pem = Path(certifi.where()).read_text().split("-----END CERTIFICATE-----")
        bundle = tmp_path / "two.pem"
        bundle.write_text("-----END CERTIFICATE-----".join(pem[:2]) + "-----END CERTIFICATE-----\n")
        monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    elif env == "dir":
        monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    expected = _fingerprint(httpx.create_ssl_context(verify=True, trust_env=trust_env))
    assert _fingerprint(tls.build(trust_env)) == expected
    tls.prepare(trust_env)
    assert _fingerprint(tls.take(trust_env)) == expected


def test_a_prepared_context_goes_to_one_client_only() -> None:
    tls.prepare()
    first = tls.take()
    assert tls.take() is not first  # the second is built on the spot


def test_a_context_prepared_for_other_settings_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    tls.prepare(trust_env=False)  # certifi's bundle
    with pytest.raises(OSError):  # trust_env: the (missing) SSL_CERT_FILE, as in httpx
        tls.take(trust_env=True)
    assert tls.take(trust_env=False).cert_store_stats()["x509_ca"] > 10
