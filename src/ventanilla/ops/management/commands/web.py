"""``ventanilla web [HOST:PORT]``: the production web server (what ``ventanilla run`` starts).

It collects the static files first when they changed (hashed names, compressed copies: what
WhiteNoise serves with far-future cache headers; ``ops/static.py``), so a fresh machine needs
no separate step, then runs gunicorn (``core/web_server.py``) until SIGTERM (graceful) or
SIGINT (quick). For a developer's auto-reload, ``ventanilla runserver`` is Django's own
development server.
"""

from __future__ import annotations

import gc
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.wsgi import get_wsgi_application
from django.db import connections

from ventanilla.core.web_server import WebOptions, WebServer, default_workers, gunicorn_settings
from ventanilla.intake.smtp import parse_listen
from ventanilla.ops.static import static_collect


class Command(BaseCommand):
    """Collect the static files, then serve the application with gunicorn."""

    help = "Run the production web server (gunicorn, static files through WhiteNoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        """Add the address and the process/thread counts."""
        parser.add_argument("addrport", nargs="?", default=settings.VENTANILLA_WEB_LISTEN)
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.VENTANILLA_WEB_WORKERS,
            help="Worker processes (default: VENTANILLA_WEB_WORKERS, else one per CPU, 2 to 8).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.VENTANILLA_WEB_THREADS,
            help="Threads per worker process (default: VENTANILLA_WEB_THREADS, else 4).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Serve the static files already in STATIC_ROOT without collecting them first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Collect static files, then run gunicorn in this process until it is stopped."""
        try:
            host, port = parse_listen(options["addrport"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        workers = options["workers"] or default_workers()
        if workers < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")
        if not options["no_collectstatic"]:
            static_collect()
        web = WebOptions(
            bind=f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            workers=workers,
            threads=options["threads"],
            timeout=settings.VENTANILLA_WEB_TIMEOUT,
            access_log=settings.VENTANILLA_WEB_ACCESS_LOG,
        )
        application = get_wsgi_application()
        # The workers are forked from this process: none may inherit a database connection.
        connections.close_all()
        # The loaded application is long-lived: keep it out of every garbage collection. The
        # workers then share its memory pages after fork (a collection would write to them),
        # and no process spends seconds collecting it again when it exits.
        gc.freeze()
        WebServer(application, gunicorn_settings(web)).run()
