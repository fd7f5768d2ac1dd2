"""Small text helpers shared by services that store what strangers sent us."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def db_safe(value: T) -> T:
    """Return ``value`` with NUL characters removed from every string inside it.

    PostgreSQL text and jsonb cannot hold U+0000 (SQLite can), and mail does carry NULs
    (freescout's and sisimai's corpora have some); the raw bytes keep the original.
    """
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value  # type: ignore[return-value]
    if isinstance(value, list):
        return [db_safe(v) for v in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {k: db_safe(v) for k, v in value.items()}  # type: ignore[return-value]
    return value
