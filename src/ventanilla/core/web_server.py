"""The production web server (``ventanilla web``, started by ``ventanilla run``): gunicorn.

gunicorn's ``gthread`` workers run Django's WSGI application: several processes (one per
core by default, so a crash or a slow request never stops the others) of several threads
each (requests mostly wait on the database). It keeps connections alive, decodes chunked
request bodies itself (RFC 9112 §7.1; the HTTP intake endpoint reads them through
``wsgi.input_terminated``) and refuses a request framed by both Transfer-Encoding and
Content-Length (§6.3: possible request smuggling). Static files are served by WhiteNoise
in the application (settings: ``STORAGES``), with hashed names and far-future cache headers.

Values come from ``VENTANILLA_WEB_*`` (settings) or the command line; nothing is read from a
``gunicorn.conf.py`` in the working directory, so what runs is what the settings say.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Inside ``ventanilla run``'s 10 s grace period: requests in progress finish, then it exits.
GRACEFUL_TIMEOUT_SECONDS = 8
THREADS_PER_WORKER = 4
MAX_DEFAULT_WORKERS = 8


def cpu_count() -> int:
    """Return the CPUs this process may run on (a container's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    """Return the default number of worker processes: one per CPU, at least 2, at most 8."""
    return max(2, min(cpu_count(), MAX_DEFAULT_WORKERS))


@dataclass(frozen=True)
class WebOptions:
    """What ``ventanilla web`` was asked for."""

    bind: str  # HOST:PORT, [IPv6]:PORT
    workers: int
    threads: int
    timeout: int  # seconds a worker may spend on one request before it is restarted
    access_log: bool


def gunicorn_settings(options: WebOptions) -> dict[str, object]:
    """Return gunicorn's settings for ``options``."""
    return {
        "bind": [options.bind],
        "worker_class": "gthread",
        "workers": options.workers,
        "threads": options.threads,
        "timeout": options.timeout,
        "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
        "keepalive": 5,
        # The application is imported once, before the workers fork: a broken setting fails
        # the start instead of every worker in turn, and the workers share its memory.
        "preload_app": True,
        "accesslog": "-" if options.access_log else None,
        "errorlog": "-",
        "proc_name": "ventanilla-web",
        # Its default path ($HOME/.gunicorn) would be shared by every instance on the host.
        "control_socket_disable": True,
    }


class WebServer(BaseApplication):  # type: ignore[misc]
    """gunicorn running ``application`` with the given settings (no config file, no argv)."""

    def __init__(self, application: WSGIApp, settings: dict[str, object]) -> None:
        """Keep the application and the settings; gunicorn then calls ``load_config``."""
        self._application = application
        self._settings = settings
        super().__init__()

    def load_config(self) -> None:
        """Apply our settings (gunicorn's hook)."""
        for name, value in self._settings.items():
            self.cfg.set(name, value)

    def load(self) -> WSGIApp:
        """Return the WSGI application (gunicorn's hook)."""
        return self._application
