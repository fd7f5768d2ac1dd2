"""A Django file storage for content-addressed files: atomic writes, a name never changes.

``FileSystemStorage`` writes into the final path, so a reader on another host (a shared
mount) may see half a file, and a crash mid-write leaves a truncated file that looks
stored. It also renames a second copy (``name_Ab3xYz1``) when two hosts store the same file
at once. Here a file is written beside its final name and renamed into place (``rename`` is
atomic on a POSIX file system, and on NFS within one directory), and a name that exists is
simply replaced: in a content-addressed store the same name always means the same bytes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage


class AtomicFileSystemStorage(FileSystemStorage):
    """``FileSystemStorage`` that renames a complete, flushed file into place."""

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        """Return ``name`` itself: an existing file is replaced, never renamed around."""
        return name

    def _save(self, name: str, content: File[Any]) -> str:
        """Write ``content`` to a temporary file in the target directory, then rename it."""
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in content.chunks():
                    handle.write(chunk)
                handle.flush()
                # On disk before the rename: after a power cut the name shows all or nothing.
                os.fsync(handle.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(tmp, self.file_permissions_mode)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return name
