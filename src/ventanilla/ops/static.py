"""Collect the static files when they changed (``ventanilla web`` at every start).

Hashing and compressing every file takes seconds of CPU, so a start whose static sources
(every finder's files: name, size, modification time) and storage are the ones of the last
collection keeps what is in ``STATIC_ROOT``. A stamp file there records that fingerprint;
it is written only after ``collectstatic`` succeeded, so an interrupted run collects again.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

STAMP_NAME = ".ventanilla-collected"


def static_fingerprint() -> str:
    """Return a digest of the static sources and of the storage they are collected with."""
    digest = hashlib.sha256()
    digest.update(repr(settings.STORAGES["staticfiles"]).encode())
    digest.update(settings.STATIC_URL.encode())
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore_patterns=[]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{storage.path(path)}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode() + b"\n")
    return digest.hexdigest()


def static_collect() -> bool:
    """Collect the static files into ``STATIC_ROOT`` unless unchanged; return True if it did."""
    stamp = Path(settings.STATIC_ROOT) / STAMP_NAME
    fingerprint = static_fingerprint()
    if stamp.exists() and stamp.read_text().strip() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint + "\n")
    return True
