"""Content-addressed file store for attachment bytes (``<blob dir>/ab/cd/<sha256>``).

The raw message in ``InboundMessage`` stays the source of truth, so a blob can always be
derived again; identical files (the same logo in every mail) are stored once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings


def blob_path(sha256: str) -> Path:
    """Return where the blob with this digest lives."""
    base = Path(settings.VENTANILLA_BLOB_DIR)
    return base / sha256[:2] / sha256[2:4] / sha256


def blob_put(content: bytes) -> str:
    """Store ``content`` (if not stored yet) and return its sha256."""
    digest = hashlib.sha256(content).hexdigest()
    path = blob_path(digest)
    if path.exists():
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def blob_get(sha256: str) -> bytes:
    """Return the bytes of a stored blob (FileNotFoundError if absent)."""
    return blob_path(sha256).read_bytes()
