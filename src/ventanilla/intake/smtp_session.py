"""The SMTP/LMTP session: connection caps, timeouts and DATA without a line-length limit.

Who may hold a connection, and for how long:

* ``max_sessions`` sessions in all, and at most ``max_per_address`` from one client address
  (an IPv6 client counts per /64, the block one host is usually given). The extra connection
  of that address alone gets ``421 4.7.0`` and is closed (RFC 5321 §3.8), so one host opening
  idle connections cannot lock every other sender out.
* ``command_timeout``: the time a client has to send its next complete command (aiosmtpd
  restarts its timer only on a complete, valid command, so a command dripped byte by byte
  gains nothing). RFC 5321 §4.5.3.2.7 suggests 5 minutes for links of the 1980s; a mail
  server today sends its next command within milliseconds (Postfix itself drops to 10 s under
  load), so the default of 60 s only shortens how long a dead or hostile connection holds a
  slot.
* ``data_timeout``: during DATA, the longest silence between two packets, not a bound on the
  whole transfer. Each packet restarts it, so a 40 MB message on a slow link still arrives;
  the default of 180 s is RFC 5321 §4.5.3.2.5's "data block" time. While the message is being
  stored (after the final dot) the connection is kept for up to 10 minutes, the time the
  client waits for that reply (§4.5.3.2.6); our storage normally answers within its own
  database timeouts, long before.

On a timeout the client gets ``421 4.4.2`` before the connection is closed (RFC 5321 §4.5.3.2,
RFC 3463 "bad connection"); it keeps its message and retries later.

DATA lines: aiosmtpd refuses a line over 1001 bytes with a permanent ``500``, and splits lines
only at CRLF, so a message written with bare LF counts as a single line. RFC 5321 §4.5.3.1
asks for "techniques that impose no limits on the length of these objects": during DATA the
only limit is the message size, and the bytes are stored as they came.
"""

from __future__ import annotations

import ipaddress
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, syntax

log = logging.getLogger(__name__)

TOO_BUSY = "421 4.3.2 Too many connections, try again later"
TOO_MANY_FROM_YOU = "421 4.7.0 Too many connections from your address, try again later"
TIMED_OUT = "421 4.4.2 {} Error: timeout exceeded"
STORAGE_WAIT = 600.0  # seconds: RFC 5321 §4.5.3.2.6, the client's wait for the final reply


@dataclass
class SessionLimits:
    """Caps and timeouts of one listener, and its open sessions (event loop thread only)."""

    max_sessions: int = 100
    max_per_address: int = 10  # 0: no per-address cap
    command_timeout: float = 60.0
    data_timeout: float = 180.0
    open: int = 0
    by_client: Counter[str] = field(default_factory=Counter)

    def admit(self, client: str) -> str | None:
        """Count a new session from ``client``; return the 421 reply instead if it is over a cap."""
        if self.open >= self.max_sessions:
            return TOO_BUSY
        if self.max_per_address and self.by_client[client] >= self.max_per_address:
            return TOO_MANY_FROM_YOU
        self.open += 1
        self.by_client[client] += 1
        return None

    def release(self, client: str) -> None:
        """Forget one ended session from ``client``."""
        self.open -= 1
        self.by_client[client] -= 1
        if self.by_client[client] <= 0:
            del self.by_client[client]


def client_key(peer: Any) -> str:
    """Return the key a client is counted under: its IPv4 address, or its IPv6 /64."""
    host = peer[0] if isinstance(peer, tuple) and peer else str(peer)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return str(host)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # a dual-stack socket: an IPv4 client
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class LimitedEnvelope(Envelope):
    """An envelope that remembers each accepted recipient's size limit (bytes)."""

    def __init__(self) -> None:
        """Start empty, like aiosmtpd's envelope."""
        super().__init__()
        self.rcpt_limits: dict[str, int] = {}


class SessionCap(SMTP):
    """An aiosmtpd session with our caps, timeouts and DATA line handling (module docstring).

    The event handler must have a ``limits`` attribute (``SessionLimits``). Used as a base by
    the SMTP and LMTP session classes; every transaction gets a ``LimitedEnvelope``.
    """

    _in_data = False
    _storage_waits = 0

    @property
    def limits(self) -> SessionLimits:
        """The listener's caps and timeouts (kept on the event handler, shared by sessions)."""
        limits: SessionLimits = self.event_handler.limits
        return limits

    def _create_envelope(self) -> Envelope:
        return LimitedEnvelope()

    async def _handle_client(self) -> None:
        assert self.session is not None
        client = client_key(self.session.peer)
        refusal = self.limits.admit(client)
        if refusal is not None:
            # RFC 5321 §3.8: a server may answer 421 and close when it cannot serve now.
            await self.push(refusal)
            if self.transport is not None:
                self.transport.close()
            return
        try:
            await super()._handle_client()
        finally:
            self.limits.release(client)

    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:  # noqa: N802 (aiosmtpd's method name)
        """Receive DATA with no line-length limit and an inactivity (not total) timeout."""
        # asyncio's StreamReader has no public setter for its line limit: aiosmtpd reads DATA
        # with readuntil(b"\r\n"), which fails past it. Lift it to the message size for DATA
        # only, so command lines stay short (no large buffer before a valid RCPT).
        reader_state = vars(self._reader)
        command_limit = reader_state["_limit"]
        data_limit = max(self.data_size_limit or 0, command_limit)
        reader_state["_limit"] = data_limit
        self.line_length_limit = data_limit
        self._in_data = True
        self._storage_waits = 0
        try:
            await super().smtp_DATA(arg)
        finally:
            self._in_data = False
            reader_state["_limit"] = command_limit
            del self.line_length_limit  # back to the class value for commands
            if self.transport is not None:
                self._reset_timeout()  # now waiting for the next command

    def data_received(self, data: bytes) -> None:
        """Restart the DATA inactivity timer on every packet of the message."""
        if self._in_data:
            self._reset_timeout(self.limits.data_timeout)
        super().data_received(data)

    def _timeout_cb(self) -> None:
        envelope = self.envelope
        storing = self._in_data and envelope is not None and envelope.original_content is not None
        if storing and self._storage_waits < STORAGE_WAIT / self.limits.data_timeout:
            # The whole message is here and being stored: the client waits for our reply.
            self._storage_waits += 1
            self._reset_timeout(self.limits.data_timeout)
            return
        if self.transport is not None and not self.transport.is_closing():
            self._writer.write(TIMED_OUT.format(self.hostname).encode("ascii") + b"\r\n")
        super()._timeout_cb()  # type: ignore[no-untyped-call]
