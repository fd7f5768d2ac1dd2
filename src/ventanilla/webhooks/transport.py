"""One HTTP POST to a checked target (``targets.Target``), with the standard library only.

The connection goes to the address ``targets`` checked, while the Host header and TLS (SNI
and certificate check) use the URL's name. Redirects are never followed (``http.client``
does not), so a 3xx cannot lead us to an address we did not check. Timeouts: a connect
timeout, a read timeout for every read, and a total deadline after which the socket is shut
down, so a receiver that trickles bytes cannot hold a worker (or a subscription's line).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from ventanilla.webhooks.targets import Target

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
TOTAL_TIMEOUT = 30.0
BODY_EXCERPT_BYTES = 1000


class TransportError(Exception):
    """The request did not get an answer: connection refused or reset, timeout, TLS error."""


@dataclass(frozen=True)
class Response:
    """What we keep of an answer: the status, the head of the body, and ``Retry-After``."""

    status: int
    body: str
    retry_after: float | None


def _open(address: str, port: int) -> socket.socket:
    sock = socket.create_connection((address, port), timeout=CONNECT_TIMEOUT)
    sock.settimeout(READ_TIMEOUT)
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to the checked address."""

    def __init__(self, target: Target) -> None:
        super().__init__(target.host, target.port, timeout=READ_TIMEOUT)
        self._address = target.address

    def connect(self) -> None:
        self.sock = _open(self._address, self.port)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, verified against the URL's host name."""

    def __init__(self, target: Target, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=READ_TIMEOUT, context=context)
        self._address = target.address
        self._tls = context

    def connect(self) -> None:
        raw = _open(self._address, self.port)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def retry_after_seconds(value: str | None, *, now: datetime) -> float | None:
    """Parse ``Retry-After`` (RFC 9110 §10.2.3: seconds or an HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


def _shutdown(connection: http.client.HTTPConnection, fired: threading.Event) -> None:
    fired.set()
    sock = connection.sock
    if sock is not None:
        # Already closed: the request ended on its own.
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def http_post(target: Target, *, headers: dict[str, str], body: bytes) -> Response:
    """POST ``body`` to ``target``; raise ``TransportError`` when no answer came."""
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(target, ssl.create_default_context())
    else:
        connection = _PinnedHTTPConnection(target)
    fired = threading.Event()
    deadline = threading.Timer(TOTAL_TIMEOUT, _shutdown, args=(connection, fired))
    deadline.daemon = True
    deadline.start()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        answer = connection.getresponse()
        excerpt = answer.read(BODY_EXCERPT_BYTES)
        if fired.is_set():
            # A cut connection reads as the end of the headers or body: not an answer.
            raise TransportError(f"no complete answer within {TOTAL_TIMEOUT:.0f} s")
        return Response(
            status=answer.status,
            body=excerpt.decode("utf-8", "replace"),
            retry_after=retry_after_seconds(
                answer.getheader("Retry-After"), now=datetime.now(tz=UTC)
            ),
        )
    except (OSError, http.client.HTTPException) as exc:
        raise TransportError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        deadline.cancel()
        connection.close()
