"""Where a webhook may be sent: the URL's host resolved once and every address checked.

Server-side request forgery: a subscription URL is chosen by an API user, and the worker
runs inside the company's network. Unless the subscription was allowed by an admin
(``allow_private_network``) or the site allows it (``VENTANILLA_WEBHOOK_ALLOW_PRIVATE``), a
target is refused when any address its name resolves to is loopback, private, link-local,
shared (RFC 6598), multicast, reserved, unspecified or otherwise not global (RFC 6890),
looking through IPv4-mapped (RFC 4291 §2.5.5.2), 6to4 (RFC 3056) and Teredo (RFC 4380)
addresses to the IPv4 address inside. The transport then connects to the address checked
here, never resolving the name again, so DNS cannot answer differently in between (DNS
rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}


class TargetRefusedError(Exception):
    """The URL is malformed or points where we may not send."""


class TargetUnresolvedError(TargetRefusedError):
    """The host name does not resolve now (perhaps a passing DNS failure: retried)."""


@dataclass(frozen=True)
class Target:
    """A checked destination: the name for Host and TLS, the address to connect to."""

    scheme: str
    host: str
    port: int
    address: str
    path: str


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client's address
    return None


def address_is_public(ip: IPAddress) -> bool:
    """True for a global unicast address (and, for IPv6, any IPv4 inside it is one too)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # the IPv4 address itself, written as IPv6
            return address_is_public(ip.ipv4_mapped)
        inner = _embedded_v4(ip)
        if inner is not None and not address_is_public(inner):
            return False
    refused = (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )
    return ip.is_global and not refused


def url_parts(url: str) -> tuple[str, str, int, str]:
    """Return scheme, host, port and path+query of an http(s) URL; ``TargetRefusedError`` if bad."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefusedError(f"malformed URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise TargetRefusedError("only http and https URLs are allowed")
    if not parts.hostname:
        raise TargetRefusedError("the URL names no host")
    if parts.username is not None or parts.password is not None:
        raise TargetRefusedError("credentials in the URL are not allowed; sign with the secret")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, parts.hostname, port or DEFAULT_PORTS[scheme], path


def url_check_literal(url: str, *, allow_private: bool) -> None:
    """Refuse, without DNS, a malformed URL or one whose host is a forbidden IP literal."""
    _scheme, host, _port, _path = url_parts(url)
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if host.rstrip(".").lower() == "localhost" and not allow_private:
            raise TargetRefusedError("localhost is not an allowed target") from None
        return
    if not allow_private and not address_is_public(ip):
        raise TargetRefusedError(f"{ip} is not a public address")


def target_resolve(url: str, *, allow_private: bool) -> Target:
    """Resolve ``url``'s host and check every address; return the one to connect to."""
    scheme, host, port, path = url_parts(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TargetUnresolvedError(f"cannot resolve {host}: {exc}") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses:
        raise TargetUnresolvedError(f"{host} has no address")
    if not allow_private:
        for ip in addresses:
            if not address_is_public(ip):
                raise TargetRefusedError(f"{host} resolves to {ip}, which is not a public address")
    return Target(scheme=scheme, host=host, port=port, address=str(addresses[0]), path=path)
