"""``VENTANILLA_HOME`` that does not exist: only the commands that set an installation up
create it; every other command refuses with one clear line (real ``ventanilla`` processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

VENTANILLA = str(Path(sys.executable).with_name("ventanilla"))


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VENTANILLA_", "DJANGO_"))}
    env.update(VENTANILLA_HOME=str(home), DJANGO_SETTINGS_MODULE="ventanilla.settings")
    return subprocess.run(
        [VENTANILLA, *args],
        env=env,
        cwd=home.anchor,  # not inside it: the default ./var must not matter
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "args", [("status",), ("mail", "reprocess", "--all"), ("smtpd",), ("createsuperuser",)]
)
def test_other_commands_refuse_a_missing_home_and_do_not_create_it(tmp_path, args):
    wrong = tmp_path / "srv" / "ventanila" / "var"  # a typo in the path
    done = _run(wrong, *args)
    assert done.returncode == 1
    assert done.stderr == (
        f"ventanilla: the data directory {wrong} does not exist: check VENTANILLA_HOME "
        "(only 'ventanilla run', 'migrate' or 'demo' create a new one)\n"
    )
    assert not (tmp_path / "srv").exists()


def test_migrate_creates_a_new_home_and_then_other_commands_use_it(tmp_path):
    home = tmp_path / "var"
    done = _run(home, "migrate", "--no-input")
    assert done.returncode == 0, done.stderr
    assert (home / "ventanilla.sqlite3").exists()
    status = _run(home, "status", "--json")
    assert "does not exist" not in status.stderr, status.stderr
    assert status.stdout.lstrip().startswith("{"), status.stdout


def test_help_needs_no_home(tmp_path):
    done = _run(tmp_path / "nowhere", "help")
    assert done.returncode == 0, done.stderr
    assert "Available subcommands" in done.stdout
