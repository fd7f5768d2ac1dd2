"""Read archived mail as raw bytes: ``.eml`` files, folders of them, mbox files, Maildirs.

This is an edge like the SMTP listener: it only turns storage into ``(label, bytes)`` pairs;
``mail/importer.py`` hands each to ``ingest_raw``. Archives are streamed one message at a
time so a 10 GB mbox never sits in memory: mbox files are read line by line, keeping no
table of contents (``mailbox.mbox`` keeps one entry per message; at tens of thousands of
messages that alone grew the importer's memory), and split exactly as ``mailbox.mbox``
splits them, so the bytes (and their sha256) are the same as with the standard library.

Order matters for threading (a reply must follow its parent), so everything is yielded in
archive order: files by name (digits compared as numbers, so ``2.eml`` precedes ``10.eml``),
mbox messages as they appear in the file, Maildir messages by file name (which starts with
the delivery time, see https://cr.yp.to/proto/maildir.html).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# mbox files start with a "From " separator line (RFC 4155, section 2).
_MBOX_MAGIC = b"From "
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class ArchiveItem:
    """One message read from an archive: where it came from, and its bytes or why not."""

    label: str
    raw: bytes | None
    error: str = ""


@dataclass
class Source:
    """One readable unit: a single ``.eml`` file, an mbox file, or a Maildir folder."""

    kind: str  # "eml" | "mbox" | "maildir"
    path: Path
    _count: int | None = None

    def count(self) -> int:
        """Return how many messages this source holds (mbox: scans the file once)."""
        if self._count is None:
            if self.kind == "eml":
                self._count = 1
            elif self.kind == "mbox":
                self._count = _mbox_count(self.path)
            else:
                self._count = len(_maildir_files(self.path))
        return self._count

    def items(self) -> Iterator[ArchiveItem]:
        """Yield the messages of this source in archive order, one at a time."""
        if self.kind == "eml":
            yield _read_file(self.path, str(self.path))
        elif self.kind == "mbox":
            yield from _mbox_items(self.path)
        else:
            for path in _maildir_files(self.path):
                yield _read_file(path, str(path))


def _natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key comparing runs of digits as numbers (``2.eml`` before ``10.eml``).

    Digits sort before letters, as in plain byte order.
    """
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in _DIGITS.split(name) if p)


def _read_file(path: Path, label: str) -> ArchiveItem:
    """Read one file; an unreadable or empty file becomes an item with an error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ArchiveItem(label, None, f"cannot read: {exc.strerror or exc}")
    if not raw.strip():
        return ArchiveItem(label, None, "empty file")
    return ArchiveItem(label, raw)


def _starts_like_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(_MBOX_MAGIC)) == _MBOX_MAGIC
    except OSError:
        return False


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _mbox_messages(handle: BinaryIO) -> Iterator[bytes]:
    """Split an mbox stream into messages as ``mailbox.mbox`` does, one message in memory.

    A message starts after a line beginning ``From `` (RFC 4155) and ends before the next
    one; a blank line just before the separator belongs to the separator, not the message.
    """
    lines: list[bytes] = []
    started = False
    last_was_empty = False
    for line in handle:
        if line.startswith(_MBOX_MAGIC):
            if started:
                yield _mbox_body(lines, last_was_empty)
            lines = []
            started = True
            last_was_empty = False
            continue
        last_was_empty = line == b"\n"
        if started:
            lines.append(line)
    if started:
        yield _mbox_body(lines, last_was_empty)


def _mbox_body(lines: list[bytes], last_was_empty: bool) -> bytes:
    data = b"".join(lines)
    return data[:-1] if last_was_empty else data


def _mbox_count(path: Path) -> int:
    """Count the messages of an mbox file by scanning it, without keeping anything."""
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.startswith(_MBOX_MAGIC))


def _mbox_items(path: Path) -> Iterator[ArchiveItem]:
    """Yield every message of an mbox file in file order, never holding more than one."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield ArchiveItem(str(path), None, f"cannot read mbox: {exc.strerror or exc}")
        return
    with handle:
        index = 0
        try:
            for index, raw in enumerate(_mbox_messages(handle), start=1):
                yield ArchiveItem(f"{path}#{index}", raw)
        except OSError as exc:
            yield ArchiveItem(f"{path}#{index + 1}", None, f"cannot read: {exc}")


def _maildir_files(path: Path) -> list[Path]:
    """Return the messages of a Maildir (``new`` and ``cur``; ``tmp`` is still being written)."""
    files = [
        entry
        for sub in ("new", "cur")
        for entry in (path / sub).iterdir()
        if entry.is_file() and not entry.name.startswith(".")
    ]
    return sorted(files, key=lambda p: _natural_key(p.name))


def _walk_folder(folder: Path) -> Iterator[Source]:
    """Yield the sources inside a plain folder, recursively, in name order."""
    entries = sorted(os.scandir(folder), key=lambda e: _natural_key(e.name))
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _sources_for(path)
        elif entry.name.lower().endswith(".eml"):
            yield Source("eml", path)
        elif entry.is_file() and _starts_like_mbox(path):
            yield Source("mbox", path)
        # Anything else (a manifest, an index file) is not mail: skipped.


def _sources_for(path: Path) -> Iterator[Source]:
    if path.is_dir():
        if _is_maildir(path):
            yield Source("maildir", path)
        else:
            yield from _walk_folder(path)
    elif _starts_like_mbox(path):
        yield Source("mbox", path)
    else:
        # A named file is taken as one message even without the .eml suffix; if it
        # cannot be read, reading it reports that.
        yield Source("eml", path)


def archive_sources(paths: Sequence[Path]) -> list[Source]:
    """Resolve command-line paths into sources, in the order given (FileNotFoundError if absent)."""
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise FileNotFoundError(str(path))
    return [source for path in paths for source in _sources_for(path)]
