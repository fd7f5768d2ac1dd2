"""Who this process is in a cluster: its host's name, its roles, and a lease holder's name."""

from __future__ import annotations

import os
import uuid

from django.conf import settings


def node_name() -> str:
    """This host's name (``VENTANILLA_NODE_NAME``, else the machine's host name)."""
    return str(settings.VENTANILLA_NODE_NAME)


def node_roles() -> str:
    """The roles this host runs, as ``ventanilla run --role`` passed them down (may be empty)."""
    return str(settings.VENTANILLA_ROLES)


def holder() -> str:
    """A new owner's name for one lease: ``node:pid/token``.

    The token tells apart two threads of one process: each lease has exactly one owner.
    """
    return f"{node_name()}:{os.getpid()}/{uuid.uuid4().hex[:12]}"


def holder_alive(owner: str) -> bool | None:
    """Whether the process named by a holder still runs: None when it is on another host."""
    node, _sep, pid = owner.partition("/")[0].rpartition(":")
    if node != node_name() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True
