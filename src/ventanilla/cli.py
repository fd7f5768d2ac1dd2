"""The ``ventanilla`` console script: Django's management commands under one name.

``ventanilla run``, ``ventanilla mail import PATH``, ``ventanilla tickets export --json``...
are management commands; this points Django at our settings and guards two things first:

* the data directory must exist, except for the commands that set an installation up
  (``run``, ``migrate``, ``demo``): any other command given a mistyped ``VENTANILLA_HOME``
  would otherwise create an empty installation there and work on it as if it were the real
  one (a ``status`` that reports nothing wrong, a ``mail gate`` storing mail nobody sees);
* ``mail gate`` speaks to the MTA through its exit status alone (sysexits.h), so whatever
  goes wrong around it, even before the command runs, ends in ``75`` (EX_TEMPFAIL: the MTA
  keeps the message and retries) with one line on stderr for the MTA's log.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

# Commands that may create the data directory: they set a new installation up.
CREATES_HOME = frozenset({"run", "migrate", "demo"})
# Django's help and version output, which read no data.
_NO_DATA = frozenset({"help", "--help", "-h", "version", "--version"})
EX_TEMPFAIL = 75


def missing_home(args: list[str]) -> Path | None:
    """Return the data directory if the command ``args`` needs it and it does not exist."""
    from ventanilla.config import home_path

    command = args[0] if args else "help"
    if command in CREATES_HOME or command in _NO_DATA:
        return None
    path = home_path()
    return None if path.is_dir() else path


def _fail(message: str, code: int) -> NoReturn:
    sys.stderr.write(f"ventanilla: {' '.join(message.split())}\n")
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    """Run a management command (``ventanilla <command> [args]``)."""
    args = sys.argv[1:] if argv is None else argv
    gate = args[:2] == ["mail", "gate"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ventanilla.settings")
    missing = missing_home(args)
    if missing is not None:
        _fail(
            f"the data directory {missing} does not exist: check VENTANILLA_HOME "
            "(only 'ventanilla run', 'migrate' or 'demo' create a new one)",
            EX_TEMPFAIL if gate else 1,
        )
    from django.core.management import execute_from_command_line

    if not gate:
        execute_from_command_line(["ventanilla", *args])
        return
    try:
        execute_from_command_line(["ventanilla", *args])
    except Exception as exc:  # settings, database driver, a bug: the MTA must retry
        _fail(f"mail gate: not stored, will be retried: {type(exc).__name__}: {exc}", EX_TEMPFAIL)


if __name__ == "__main__":
    main()
