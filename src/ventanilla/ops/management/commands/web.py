"""``ventanilla web [HOST:PORT]``: the embedded web server (what ``ventanilla run`` starts).

Django's ``runserver`` (with the static files of the admin, ``--insecure``) on
``core/web_server.py``'s server, which also accepts chunked request bodies. For more traffic,
put a real WSGI server in front of ``ventanilla.wsgi`` instead.
"""

from __future__ import annotations

from django.contrib.staticfiles.management.commands.runserver import (
    Command as RunserverCommand,
)

from ventanilla.core.web_server import WebServer


class Command(RunserverCommand):
    """``runserver`` with chunked request bodies decoded before Django sees them."""

    help = "Run the embedded web server (runserver that also accepts chunked request bodies)."
    server_cls = WebServer
