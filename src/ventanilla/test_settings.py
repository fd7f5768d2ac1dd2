"""Settings for the test suite: the real settings plus a private data directory and eager tasks."""

from __future__ import annotations

import os
import tempfile

# Before the real settings read them: tests never touch the developer's ./var.
os.environ.setdefault("VENTANILLA_HOME", tempfile.mkdtemp(prefix="ventanilla-test-"))
os.environ.setdefault("VENTANILLA_HUEY_IMMEDIATE", "1")

from ventanilla.settings import *  # noqa: F403

# argon2 costs ~126 ms a hash; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# DKIM verification looks keys up in DNS: tests must not depend on the network, and the corpus
# carries unverifiable signatures. Tests of sender trust turn it on with a stub resolver.
VENTANILLA_DKIM_VERIFY = False

# Plain static storage: tests never run collectstatic (the hashed-name storage needs its
# manifest); the live server and the test client serve the app's static files directly.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise indexes STATIC_ROOT when the middleware starts and warns when it is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
