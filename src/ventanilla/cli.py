"""The ``ventanilla`` console script: Django's management commands under one name.

``ventanilla run``, ``ventanilla mail import PATH``, ``ventanilla tickets export --json``...
are management commands; this only points Django at our settings.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command (``ventanilla <command> [args]``)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ventanilla.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ventanilla", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
