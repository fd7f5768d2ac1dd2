"""Content-addressed store for attachment bytes (``ab/cd/<sha256>`` in ``STORAGES["blobs"]``).

Every file a ticket carries, received or sent by an agent, goes through Django's storage
API: a local directory by default (``$VENTANILLA_HOME/blobs``), a directory every host
mounts when there are several (``VENTANILLA_BLOB_DIR``), or any other Django storage.
Identical files (the same logo in every mail) are stored once.

The raw mail stays the source of truth (``InboundMessage.raw`` for what came in, the outbox
row's ``raw`` for what an agent sent), so a blob is derived data: one that is missing on
this host's store, or whose bytes no longer match their digest, is parsed out of the mail
that carried it again and stored (``blob_rebuild``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from ventanilla.parse.parsing import parse_message
from ventanilla.tickets.models import Attachment

log = logging.getLogger(__name__)


def _store() -> Storage:
    return storages["blobs"]


def blob_name(sha256: str) -> str:
    """Return the storage name of the blob with this digest (``ab/cd/<sha256>``)."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def blob_path(sha256: str) -> Path:
    """Return where the blob lives on this host's file system (file-system storages only)."""
    return Path(_store().path(blob_name(sha256)))


def blob_put(content: bytes) -> str:
    """Store ``content`` (if not stored yet) and return its sha256."""
    digest = hashlib.sha256(content).hexdigest()
    if not _store().exists(blob_name(digest)):
        _store().save(blob_name(digest), ContentFile(content))
    return digest


def _read(sha256: str) -> bytes | None:
    """Return the stored bytes if they are there and match their digest, else None."""
    try:
        with _store().open(blob_name(sha256), "rb") as handle:
            content: bytes = handle.read()
    except FileNotFoundError:
        return None
    if hashlib.sha256(content).hexdigest() != sha256:
        log.warning(
            "blob %s does not match its digest (%d bytes): rebuilding", sha256, len(content)
        )
        return None
    return content


def blob_get(sha256: str) -> bytes:
    """Return the bytes of a blob, rebuilt from its mail if needed (FileNotFoundError if absent)."""
    content = _read(sha256)
    if content is None and blob_rebuild(sha256):
        content = _read(sha256)
    if content is None:
        raise FileNotFoundError(f"blob {sha256} is not stored and no mail carries it")
    return content


def _sources(sha256: str) -> Iterator[bytes]:
    """Yield the raw mails of the articles that carry a file with this digest."""
    carriers = Attachment.objects.filter(sha256=sha256).select_related(
        "article__inbound", "article__outbound"
    )
    for attachment in carriers.order_by("pk"):
        for message in (attachment.article.inbound, attachment.article.outbound):
            if message is not None:
                yield bytes(message.raw)


def blob_rebuild(sha256: str) -> bool:
    """Parse the file with this digest out of a mail that carried it and store it again.

    Return False when no stored mail carries it (an attachment whose message was deleted).
    """
    for raw in _sources(sha256):
        for part in parse_message(raw).attachments:
            if hashlib.sha256(part.content).hexdigest() == sha256:
                _store().save(blob_name(sha256), ContentFile(part.content))
                log.info("blob %s rebuilt from its mail", sha256)
                return True
    return False
