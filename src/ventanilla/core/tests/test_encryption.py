"""Secrets encrypted under a key derived from the secret key: round trip, rotation, wrong key."""

from __future__ import annotations

import pytest

from ventanilla.core.encryption import (
    SecretDecryptError,
    secret_decrypt,
    secret_encrypt,
    secret_is_current,
    secret_rotate,
)

PURPOSE = "test secret"


@pytest.fixture
def keys(settings):
    settings.SECRET_KEY = "clave-actual-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = []
    return settings


def test_round_trip_and_no_clear_text(keys):
    token = secret_encrypt("contraseña-ñ €", purpose=PURPOSE)
    assert "contraseña" not in token
    assert secret_decrypt(token, purpose=PURPOSE) == "contraseña-ñ €"
    # A random IV: the same secret never gives the same ciphertext twice.
    assert secret_encrypt("contraseña-ñ €", purpose=PURPOSE) != token


def test_empty_stays_empty(keys):
    assert secret_encrypt("", purpose=PURPOSE) == ""
    assert secret_decrypt("", purpose=PURPOSE) == ""


def test_purpose_separates_keys(keys):
    token = secret_encrypt("s", purpose=PURPOSE)
    with pytest.raises(SecretDecryptError):
        secret_decrypt(token, purpose="another purpose")


def test_fallback_key_decrypts_and_rotate_moves_to_the_current_key(keys):
    old = secret_encrypt("s3cret", purpose=PURPOSE)
    keys.SECRET_KEY_FALLBACKS = [keys.SECRET_KEY]
    keys.SECRET_KEY = "clave-nueva-" + "y" * 40
    assert secret_decrypt(old, purpose=PURPOSE) == "s3cret"
    assert not secret_is_current(old, purpose=PURPOSE)
    new = secret_rotate(old, purpose=PURPOSE)
    assert secret_is_current(new, purpose=PURPOSE)
    keys.SECRET_KEY_FALLBACKS = []
    assert secret_decrypt(new, purpose=PURPOSE) == "s3cret"
    with pytest.raises(SecretDecryptError):
        secret_decrypt(old, purpose=PURPOSE)


def test_wrong_key_gives_a_clear_error(keys):
    token = secret_encrypt("s3cret", purpose=PURPOSE)
    keys.SECRET_KEY = "otra-clave-" + "z" * 40
    with pytest.raises(SecretDecryptError, match="VENTANILLA_SECRET_KEY_FALLBACKS"):
        secret_decrypt(token, purpose=PURPOSE)
    with pytest.raises(SecretDecryptError):
        secret_rotate(token, purpose=PURPOSE)
    with pytest.raises(SecretDecryptError):
        secret_decrypt("not-a-token", purpose=PURPOSE)


def test_fallbacks_come_from_the_environment(monkeypatch):
    """settings.py reads VENTANILLA_SECRET_KEY_FALLBACKS (comma list) into Django's setting."""
    import importlib

    import ventanilla.settings as real_settings

    monkeypatch.setenv("VENTANILLA_SECRET_KEY_FALLBACKS", "vieja-1, vieja-2,")
    try:
        reloaded = importlib.reload(real_settings)
        assert reloaded.SECRET_KEY_FALLBACKS == ["vieja-1", "vieja-2"]
    finally:
        monkeypatch.delenv("VENTANILLA_SECRET_KEY_FALLBACKS")
        importlib.reload(real_settings)
