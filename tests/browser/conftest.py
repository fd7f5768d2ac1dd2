"""Fixtures for browser tests: Debian's Chromium for Playwright, SMTP in and out, artefacts.

Chromium is the distribution's (``/usr/lib/chromium/chromium``: the binary itself, not the
``/usr/bin`` shell wrapper); pip's playwright downloads no browser. The SMTP listener and
the relay sink come from the end-to-end fixtures, so the mail path is the real one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e import conftest as e2e

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# The real mail path of the end-to-end tests: relay sink, our SMTP listener.
sink = e2e.sink
relay = e2e.relay
smtp_listener = e2e.smtp_listener
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium; fail loudly when it is missing (no silent skip)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (make services)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def smtp_client(smtp_listener):
    """An SMTP client for our listener (a customer's mail server)."""
    return e2e.Client(smtp_listener.port)


@pytest.fixture
def artifacts() -> Path:
    """The folder for screenshots (gitignored ``test-artifacts/browser``)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
