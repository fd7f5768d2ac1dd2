"""Secrets we must be able to read back (IMAP passwords), encrypted at rest.

Fernet (``cryptography``: AES-128-CBC with an HMAC-SHA256 tag) under a key derived from the
Django secret key by HKDF-SHA256 (RFC 5869) with a purpose label as ``info``: each use gets its
own key, and the secret key itself is never a cipher key. Decryption tries ``SECRET_KEY`` first
and then every key in ``SECRET_KEY_FALLBACKS`` (Django's own rotation setting), so after a key
rotation the old values still decrypt until ``secret_rotate`` has re-encrypted them under the
current key (``ventanilla mail rekey``).

An empty value stays empty: "no password" is not a secret, and it keeps blank optional fields
blank.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# The HKDF info prefix: one namespace for every purpose label of this application.
INFO_PREFIX = "ventanilla-secret:"


class SecretDecryptError(Exception):
    """A stored secret does not decrypt with the current key nor with any fallback key."""


def _fernet(secret_key: str, purpose: str) -> Fernet:
    """The Fernet key for ``purpose`` derived from one Django secret key."""
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=(INFO_PREFIX + purpose).encode(),
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _keys(purpose: str) -> MultiFernet:
    """The current key first (it encrypts), then the fallbacks (they only decrypt)."""
    fallbacks = list(getattr(settings, "SECRET_KEY_FALLBACKS", []))
    return MultiFernet([_fernet(key, purpose) for key in [settings.SECRET_KEY, *fallbacks]])


def secret_encrypt(plaintext: str, *, purpose: str) -> str:
    """Return ``plaintext`` encrypted under the current secret key (``""`` stays ``""``)."""
    if not plaintext:
        return ""
    return _fernet(settings.SECRET_KEY, purpose).encrypt(plaintext.encode()).decode("ascii")


def secret_decrypt(token: str, *, purpose: str) -> str:
    """Return the plaintext of ``token``; raise ``SecretDecryptError`` if no key opens it."""
    if not token:
        return ""
    try:
        return _keys(purpose).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise SecretDecryptError(_explain(purpose)) from exc


def secret_rotate(token: str, *, purpose: str) -> str:
    """Return ``token`` re-encrypted under the current key (raise ``SecretDecryptError``)."""
    if not token:
        return ""
    try:
        return _keys(purpose).rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as exc:
        raise SecretDecryptError(_explain(purpose)) from exc


def secret_is_current(token: str, *, purpose: str) -> bool:
    """Whether ``token`` is empty or decrypts with the current key (no fallback needed)."""
    if not token:
        return True
    try:
        _fernet(settings.SECRET_KEY, purpose).decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return False
    return True


def _explain(purpose: str) -> str:
    return (
        f"the stored {purpose} cannot be decrypted: it was encrypted under a secret key that is "
        "neither VENTANILLA_SECRET_KEY nor one of VENTANILLA_SECRET_KEY_FALLBACKS (add the old "
        "key there, or enter the secret again)"
    )
