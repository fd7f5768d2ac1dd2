"""``ventanilla doctor``: each check passes on a sound host and fails with a clear sentence."""

from __future__ import annotations

import json
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from ventanilla.ops import doctor

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("doctor", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_a_sound_host_passes_every_check():
    code, out = _run("--json")
    body = json.loads(out)
    names = {c["name"]: c["ok"] for c in body["checks"]}
    assert code == 0, out
    assert {"migrations", "queue", "storage:default", "clock"} <= names.keys()
    assert all(names.values()), names


def test_an_unwritable_storage_fails_by_name(settings, tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the storage's directory should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked)},
        },
    }
    with translation.override("en"):
        code, out = _run()
    assert code == 1
    assert "FAIL  storage:default: The file storage default is not writable from this host" in out


def test_a_clock_off_the_databases_fails(monkeypatch):
    if connection.vendor != "postgresql":
        check = doctor._clock()
        assert check.ok
        assert check.name == "clock"
        return
    real = time.time
    monkeypatch.setattr("ventanilla.ops.doctor.time.time", lambda: real() + 30)
    with translation.override("en"):
        check = doctor._clock()
    assert not check.ok
    assert "+30." in check.message
    assert "synchronise it (NTP)" in check.message


def test_unapplied_migrations_are_named(monkeypatch):
    class Plan:
        def __init__(self, connection):
            from django.db.migrations.executor import MigrationExecutor

            self._real = MigrationExecutor(connection)
            self.loader = self._real.loader

        def migration_plan(self, targets):
            first = self.loader.graph.root_nodes()[0]
            return [(self.loader.get_migration(*first), False)]

    monkeypatch.setattr(doctor, "MigrationExecutor", Plan)
    with translation.override("en"):
        check = doctor._database()
    assert not check.ok
    assert "1 migration(s) not applied" in check.message
    assert "run ventanilla migrate" in check.message
