"""STARTTLS for our SMTP and LMTP listeners (RFC 3207), from ``VENTANILLA_TLS_CERT``/``_KEY``.

TLS is offered, not required: senders that cannot do it still deliver (opportunistic TLS, as
every public MX does). Without both files configured no TLS is offered at all.
"""

from __future__ import annotations

import ssl

from django.conf import settings


def server_tls_context(cert: str | None = None, key: str | None = None) -> ssl.SSLContext | None:
    """Return a server-side TLS context for ``cert``/``key`` (default: settings), or None."""
    cert = settings.VENTANILLA_TLS_CERT if cert is None else cert
    key = settings.VENTANILLA_TLS_KEY if key is None else key
    if not (cert and key):
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    # Loading at start-up makes a wrong path or a mismatched key fail now, loudly, and not
    # at the first STARTTLS of a customer's server.
    context.load_cert_chain(certfile=cert, keyfile=key)
    return context
