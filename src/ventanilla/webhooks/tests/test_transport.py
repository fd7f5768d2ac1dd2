"""The HTTP transport against real sockets: timeouts, a trickling receiver, Retry-After."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from ventanilla.webhooks import transport
from ventanilla.webhooks.targets import Target
from ventanilla.webhooks.transport import TransportError, http_post, retry_after_seconds


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket], None]], Target]]:
    """A TCP server on loopback whose every connection is handled by the given function."""
    listeners: list[socket.socket] = []

    def start(handle: Callable[[socket.socket], None]) -> Target:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def serve() -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                threading.Thread(target=handle, args=(conn,), daemon=True).start()

        threading.Thread(target=serve, daemon=True).start()
        port = listener.getsockname()[1]
        return Target("http", "localhost", port, "127.0.0.1", "/")

    yield start
    for listener in listeners:
        listener.close()


def test_silent_receiver_times_out(raw_server, monkeypatch):
    monkeypatch.setattr(transport, "READ_TIMEOUT", 0.5)
    target = raw_server(lambda conn: time.sleep(5))
    began = time.monotonic()
    with pytest.raises(TransportError, match="timed out"):
        http_post(target, headers={}, body=b"{}")
    assert time.monotonic() - began < 3


def test_trickling_receiver_hits_the_total_deadline(raw_server, monkeypatch):
    monkeypatch.setattr(transport, "TOTAL_TIMEOUT", 1.0)

    def trickle(conn: socket.socket) -> None:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        try:
            for _ in range(100):  # a header byte every 0.2 s: no read ever times out
                conn.sendall(b"X")
                time.sleep(0.2)
        except OSError:
            return

    target = raw_server(trickle)
    began = time.monotonic()
    with pytest.raises(TransportError):
        http_post(target, headers={}, body=b"{}")
    assert time.monotonic() - began < 4


def test_refused_connection(raw_server):
    target = raw_server(lambda conn: conn.close())
    closed = Target("http", "localhost", target.port, "127.0.0.1", "/")
    with socket.create_server(("127.0.0.1", 0)) as probe:
        free_port = probe.getsockname()[1]
    with pytest.raises(TransportError, match="Connection"):
        http_post(Target("http", "localhost", free_port, "127.0.0.1", "/"), headers={}, body=b"{}")
    with pytest.raises(TransportError):  # accepted, then closed without an answer
        http_post(closed, headers={}, body=b"{}")


def test_retry_after_forms():
    now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now=now) == 120
    later = format_datetime(now + timedelta(minutes=3), usegmt=True)
    assert retry_after_seconds(later, now=now) == 180
    earlier = format_datetime(now - timedelta(minutes=3), usegmt=True)
    assert retry_after_seconds(earlier, now=now) == 0
    assert retry_after_seconds("soon", now=now) is None
    assert retry_after_seconds(None, now=now) is None


def _self_signed(directory) -> tuple[str, str]:
    """A self-signed certificate for ``localhost`` (no CA we trust signed it)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(tz=UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


def test_tls_is_verified_against_the_url_name(raw_server, tmp_path):
    import ssl

    cert, key = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)

    def handshake(conn: socket.socket) -> None:
        try:
            context.wrap_socket(conn, server_side=True).recv(1)
        except (ssl.SSLError, OSError):
            conn.close()

    plain = raw_server(handshake)
    target = Target("https", "localhost", plain.port, "127.0.0.1", "/")
    with pytest.raises(TransportError, match="CERTIFICATE_VERIFY_FAILED"):
        http_post(target, headers={}, body=b"{}")
    assert names == ["localhost"]  # SNI carries the URL's name, not the address
