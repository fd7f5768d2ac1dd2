"""``ventanilla web``: gunicorn serving the workspace from a fresh data directory.

The real process on a free port: it collects the static files itself, answers ``/healthz``
and the login page, serves a static file under its hashed name with a far-future cache
header (gzip when asked), keeps connections alive, and stops on SIGTERM within ``run``'s
grace period.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import time

import pytest

from ventanilla.core.web_server import (
    GRACEFUL_TIMEOUT_SECONDS,
    WebOptions,
    default_workers,
    gunicorn_settings,
)
from ventanilla.ops.static import STAMP_NAME, static_collect, static_fingerprint
from ventanilla.ops.supervisor import STOP_GRACE_SECONDS
from ventanilla.ops.tests.processes import VENTANILLA, child_database_url, free_port


def test_gunicorn_gets_threads_a_bind_and_a_grace_inside_runs():
    options = WebOptions(bind="[::1]:8000", workers=3, threads=5, timeout=30, access_log=False)
    values = gunicorn_settings(options)
    assert values["bind"] == ["[::1]:8000"]
    assert (values["worker_class"], values["workers"], values["threads"]) == ("gthread", 3, 5)
    assert values["accesslog"] is None
    assert GRACEFUL_TIMEOUT_SECONDS < STOP_GRACE_SECONDS
    assert 2 <= default_workers() <= 8


@pytest.fixture
def web(tmp_path):
    """Start ``ventanilla web`` (two workers) on a free port; yield (process, port, home, log)."""
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VENTANILLA_", "DJANGO_"))}
    env.update(
        VENTANILLA_HOME=str(home),
        VENTANILLA_DATABASE_URL=child_database_url(),
        DJANGO_SETTINGS_MODULE="ventanilla.settings",
    )
    log = tmp_path / "web.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [VENTANILLA, "web", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120  # a fresh home collects and compresses every file
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield process, port, home, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_health_login_and_hashed_static_files(web):
    process, port, home, log = web
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/healthz")
    health = conn.getresponse()
    assert health.status in (200, 503)  # 503 is "degraded": no worker runs beside this test
    assert "status" in json.loads(health.read())
    assert health.getheader("Server") == "gunicorn"

    # The same connection (kept alive): the login page links the stylesheet by hashed name.
    conn.request("GET", "/login/", headers={"Accept-Language": "es"})
    login = conn.getresponse()
    page = login.read().decode()
    assert login.status == 200
    assert 'name="csrfmiddlewaretoken"' in page
    [css] = re.findall(r'href="(/static/workspace/workspace\.[0-9a-f]{12}\.css)"', page)

    conn.request("GET", css, headers={"Accept-Encoding": "gzip"})
    static = conn.getresponse()
    body = static.read()
    assert static.status == 200
    assert static.getheader("Cache-Control") == "max-age=315360000, public, immutable"
    assert static.getheader("Content-Encoding") == "gzip"
    assert static.getheader("Content-Type", "").startswith("text/css")
    assert body[:2] == b"\x1f\x8b"
    assert (home / "static" / css.removeprefix("/static/")).exists()
    conn.close()

    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=STOP_GRACE_SECONDS + 5) == 0, log.read_text()
    assert time.monotonic() - started < STOP_GRACE_SECONDS, log.read_text()


def test_static_files_are_collected_again_only_when_something_changed(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    assert static_collect() is True
    stamp = tmp_path / "static" / STAMP_NAME
    css = tmp_path / "static" / "workspace" / "workspace.css"
    assert css.exists()
    assert stamp.read_text().strip() == static_fingerprint()
    assert static_collect() is False  # the same sources and storage: kept as they are
    settings.STATIC_URL = "/assets/"  # another URL changes the hashed files' references
    assert static_collect() is True
    stamp.write_text("interrupted\n")
    assert static_collect() is True
