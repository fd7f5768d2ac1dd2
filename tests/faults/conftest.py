"""Fixtures for fault tests: a scratch Ventanilla installation for real subprocesses.

pytest-django's SQLite test database lives in memory, out of reach of another process, so a
test that runs a real worker gets its own data directory (SQLite file, SqliteHuey queue) and,
when the suite runs on PostgreSQL, a scratch database of its own, dropped afterwards (the
same recipe as ``tests/e2e/test_run_command.py``).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Scratch:
    """A data directory and database, and how to run Ventanilla processes against them."""

    home: Path
    database_url: str
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 120) -> str:
        """Run ``python -m <args>`` (from the repository root) and return its stdout."""
        done = subprocess.run(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"{args} exited {done.returncode}:\n{done.stderr.decode()[-4000:]}")
        return done.stdout.decode()

    def start(self, *args: str, log: Path) -> subprocess.Popen[bytes]:
        """Start ``python -m <args>`` in the background, output to ``log``."""
        with log.open("ab") as out:
            return subprocess.Popen(
                [sys.executable, "-m", *args],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def scalar(self, query: str) -> int:
        """Return the single integer ``query`` (plain SQL, no parameters) answers."""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                row = conn.execute(query).fetchone()
        else:
            with sqlite3.connect(self.home / "ventanilla.sqlite3", timeout=30) as conn:
                row = conn.execute(query).fetchone()
        assert row is not None
        return int(row[0])

    def queued_tasks(self) -> int:
        """Return how many tasks wait in the SqliteHuey queue (0 before it exists)."""
        path = self.home / "huey.sqlite3"
        if not path.exists():
            return 0
        with sqlite3.connect(path, timeout=30) as conn:
            row = conn.execute("SELECT count(*) FROM task").fetchone()
        return int(row[0])


@pytest.fixture
def scratch_database_url() -> Iterator[str]:
    """'' for SQLite (a file in the data directory), else a scratch PostgreSQL database."""
    url = os.environ.get("VENTANILLA_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield ""
        return
    import psycopg
    from psycopg import sql

    parsed = urllib.parse.urlparse(url)
    name = f"ventanilla_faults_{secrets.token_hex(4)}"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield parsed._replace(path=f"/{name}").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def scratch(tmp_path: Path, scratch_database_url: str) -> Scratch:
    """A migrated scratch installation; processes get the production settings, no eager huey."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VENTANILLA_", "DJANGO_"))}
    env.update(
        VENTANILLA_HOME=str(home),
        DJANGO_SETTINGS_MODULE="ventanilla.settings",
        VENTANILLA_LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    if scratch_database_url:
        env["VENTANILLA_DATABASE_URL"] = scratch_database_url
    installation = Scratch(home, scratch_database_url, env)
    installation.run("ventanilla.cli", "migrate", "--noinput")
    return installation
