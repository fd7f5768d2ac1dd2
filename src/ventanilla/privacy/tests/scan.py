"""Look for a person in every table's text, JSON and binary columns and in the blob store."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

SCANNED = (models.CharField, models.TextField, models.JSONField, models.BinaryField)


def _text(value: object) -> str:
    if isinstance(value, bytes | memoryview):
        raw = bytes(value)
        return raw.decode("utf-8", "replace") + raw.decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def rows_naming(needles: Iterable[str]) -> list[str]:
    """Return ``model.field #pk: needle`` for every stored value that contains a needle."""
    wanted = [n.casefold() for n in needles]
    found: list[str] = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, SCANNED)]
        if not fields:
            continue
        names = [f.attname for f in fields]
        for row in model._base_manager.values_list("pk", *names).iterator():
            for name, value in zip(names, row[1:], strict=True):
                text = _text(value).casefold()
                found += [f"{model._meta.label}.{name} #{row[0]}: {n}" for n in wanted if n in text]
    return found


def blobs_naming(needles: Iterable[str]) -> list[str]:
    """Return the blob files whose bytes contain a needle (as UTF-8)."""
    wanted = [n.encode() for n in needles] + [n.casefold().encode() for n in needles]
    found = []
    for path in Path(settings.VENTANILLA_BLOB_DIR).rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            found += [f"{path.name}: {n!r}" for n in wanted if n in content]
    return found
