"""Sender trust: does the From domain vouch for this message?

Two sources of evidence, in order:

1. ``Authentication-Results`` (RFC 8601) added by a server we trust, named by its authserv-id
   in ``VENTANILLA_TRUSTED_AUTHSERV_IDS``. Any other A-R header is ignored: anyone can write
   one. (RFC 8601 §5: the trusted MX must remove A-R headers that carry its own id on the way
   in; otherwise a sender could forge a "pass". A "fail" always wins over a "pass" here.)
2. Without a trusted header, our own DKIM check (RFC 6376, dkimpy) of every signature.

A pass counts only when it is *aligned* with the From domain (RFC 7489 §3.1, relaxed mode:
same organizational domain, found with the Public Suffix List as RFC 7489 §3.2 asks; the copy
shipped inside the ``publicsuffixlist`` package is used, never downloaded at run time).
Verdicts: ``pass``; ``fail`` (a trusted header says dkim, spf or dmarc failed for the From
domain, or — without one — a DKIM signature is present but fails or is not aligned); ``none``
(no evidence either way: most small senders sign nothing, and that is not suspicious by
itself). A DNS time-out is no evidence, never a "fail".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import authres
from publicsuffixlist import PublicSuffixList

Verdict = Literal["pass", "fail", "none"]
DnsFunc = Callable[..., Any]

# The DNS TXT lookup used for DKIM keys (None: dkimpy's own); tests replace it with a stub
# (no network). It runs inside the processing transaction, so keep it short: a time-out is
# "no evidence". dkimpy itself is imported on first use: a command that never checks a
# signature (``mail import``: history is not checked again) never pays for loading it.
DNS_TIMEOUT_SECONDS = 3
dns_txt: DnsFunc | None = None
_D_TAG_RE = re.compile(rb"(?:^|;)\s*d\s*=\s*([^;\s]+)", re.IGNORECASE)


@dataclass(frozen=True)
class AuthVerdict:
    """The outcome of the sender check, as stored in ``InboundMessage.authentication``."""

    verdict: Verdict
    method: str  # "authentication-results", "dkim" or "" (nothing to check)
    from_domain: str
    details: list[str] = field(default_factory=list)

    @property
    def spoofed(self) -> bool:
        """True when the message may be forged."""
        return self.verdict == "fail"

    def as_json(self) -> dict[str, Any]:
        """The JSON stored on the inbound message."""
        return {
            "verdict": self.verdict,
            "method": self.method,
            "from_domain": self.from_domain,
            "details": self.details,
        }


@functools.cache
def _public_suffixes() -> PublicSuffixList:
    """The Public Suffix List bundled with the package (offline; loaded once, ~40 ms)."""
    # Both sections, ICANN and private: two customers' sites under a private suffix
    # (``a.github.io``, ``b.github.io``) are different organizations (RFC 7489 §3.2).
    return PublicSuffixList()


def organizational_domain(domain: str) -> str:
    """Return the registrable part of ``domain`` (``mail.cliente.co.uk`` → ``cliente.co.uk``).

    RFC 7489 §3.2: the public suffix plus one label. A name that is itself a public suffix
    (``co.uk``) or cannot be a domain (empty labels) has none: it is returned as it is, so it
    aligns only with itself.
    """
    name = domain.strip().rstrip(".").lower()
    if not name:
        return ""
    return _public_suffixes().privatesuffix(name) or name


def aligned(domain: str, from_domain: str) -> bool:
    """Relaxed DMARC alignment (RFC 7489 §3.1.1): same organizational domain."""
    domain = domain.rsplit("@", 1)[-1]
    return bool(domain) and organizational_domain(domain) == organizational_domain(from_domain)


def trusted_results(
    header_values: Iterable[str], trusted_ids: Sequence[str]
) -> list[authres.core.AuthenticationResult]:
    """Parse the A-R headers and keep the results of those whose authserv-id we trust."""
    trusted = {t.strip().lower() for t in trusted_ids if t.strip()}
    results: list[authres.core.AuthenticationResult] = []
    for value in header_values:
        try:
            header = authres.AuthenticationResultsHeader.parse_value(str(value))
        except Exception:  # noqa: S112 (authres raises its own SyntaxError and others)
            continue
        if str(header.authserv_id).lower() in trusted:
            results.extend(header.results)
    return results


def _property(result: authres.core.AuthenticationResult, ptype: str, name: str) -> str:
    for prop in result.properties:
        if prop.type == ptype and prop.name == name:
            return str(prop.value or "")
    return ""


def _result_domain(result: authres.core.AuthenticationResult) -> str:
    """The domain a dkim/spf/dmarc result speaks for ("" when the header does not say)."""
    if result.method == "dkim":
        return _property(result, "header", "d") or _property(result, "header", "i")
    if result.method == "spf":
        return _property(result, "smtp", "mailfrom") or _property(result, "smtp", "helo")
    if result.method == "dmarc":
        return _property(result, "header", "from")
    return ""


def verdict_from_results(
    results: Sequence[authres.core.AuthenticationResult], from_domain: str
) -> AuthVerdict:
    """Judge the trusted results for ``from_domain``: any aligned fail wins, then any pass."""
    details: list[str] = []
    passed = failed = False
    for result in results:
        if result.method not in {"dkim", "spf", "dmarc"}:
            continue
        domain = _result_domain(result)
        # A dmarc result without header.from speaks for the From domain by definition.
        applies = aligned(domain, from_domain) if domain else result.method == "dmarc"
        details.append(f"{result.method}={result.result} {domain}".strip())
        if applies and result.result in {"fail", "permerror"}:
            failed = True
        elif applies and result.result == "pass":
            passed = True
    verdict: Verdict = "fail" if failed else "pass" if passed else "none"
    return AuthVerdict(verdict, "authentication-results", from_domain, details)


def _signature_domain(header_value: bytes) -> str:
    match = _D_TAG_RE.search(re.sub(rb"\s+", b"", header_value))
    return match[1].decode("ascii", "replace").lower() if match else ""


def verify_dkim(raw: bytes, from_domain: str, dnsfunc: DnsFunc | None = None) -> AuthVerdict:
    """Verify every DKIM signature; pass when one passes and is aligned with ``from_domain``."""
    import dkim  # on first use: see ``dns_txt``

    checker = dkim.DKIM(raw)
    signatures = [v for (k, v) in checker.headers if k.lower() == b"dkim-signature"]
    if not signatures:
        return AuthVerdict("none", "", from_domain, ["no DKIM signature"])
    details: list[str] = []
    outcomes = [_verify_one(raw, i, dnsfunc) for i in range(len(signatures))]
    failed_aligned = temporary = False
    for signature, outcome in zip(signatures, outcomes, strict=True):
        domain = _signature_domain(signature)
        details.append(f"dkim={outcome} d={domain}")
        if aligned(domain, from_domain):
            if outcome == "pass":
                return AuthVerdict("pass", "dkim", from_domain, details)
            failed_aligned = failed_aligned or outcome == "fail"
        temporary = temporary or outcome == "temperror"
    # A DNS time-out is no evidence; but it cannot excuse a signature of the From domain
    # that failed for good (else a forger could add one that times out on purpose).
    verdict: Verdict = "none" if temporary and not failed_aligned else "fail"
    return AuthVerdict(verdict, "dkim", from_domain, details)


def _verify_one(raw: bytes, index: int, dnsfunc: DnsFunc | None) -> str:
    """Verify signature number ``index``: "pass", "fail" or "temperror"."""
    import dkim  # on first use: see ``dns_txt``
    import dkim.dnsplug

    resolver = dnsfunc or dns_txt or dkim.dnsplug.get_txt
    timed_out: list[bytes] = []

    def lookup(name: bytes, timeout: int = 5) -> Any:
        # dkimpy turns a DNS time-out into a plain False; remember it to tell them apart.
        try:
            return resolver(name, timeout=timeout)
        except dkim.DnsTimeoutError:
            timed_out.append(name)
            raise

    try:
        ok = dkim.DKIM(raw, timeout=DNS_TIMEOUT_SECONDS).verify(idx=index, dnsfunc=lookup)
    except dkim.DKIMException:
        ok = False
    if ok:
        return "pass"
    return "temperror" if timed_out else "fail"


def authenticate(
    raw: bytes,
    *,
    from_domain: str,
    results_headers: Iterable[str],
    trusted_ids: Sequence[str],
    dkim_verify: bool = True,
    dnsfunc: DnsFunc | None = None,
) -> AuthVerdict:
    """Judge one message: trusted A-R results if any, else our own DKIM check (if enabled)."""
    if not from_domain:
        return AuthVerdict("none", "", "", ["no From domain"])
    results = trusted_results(results_headers, trusted_ids)
    if results:
        return verdict_from_results(results, from_domain)
    if dkim_verify:
        return verify_dkim(raw, from_domain, dnsfunc)
    return AuthVerdict("none", "", from_domain, ["no trusted Authentication-Results"])
