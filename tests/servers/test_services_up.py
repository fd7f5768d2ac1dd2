"""``scripts/services-up.sh`` waits for another package manager's lock instead of failing.

apt and dpkg lock with ``fcntl`` (which ``flock(1)`` does not conflict with), debconf with
``flock``; so each test holds the lock the way the real owner would, for a few seconds,
while the script's own wrapper runs a harmless command that needs it. The package-lists
test points apt at a scratch lists directory and no sources, so it never touches the
machine's real lists nor the network. Needs Debian's apt and root (or passwordless sudo).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "services-up.sh"
HOLD_SECONDS = 4.0


def _can_use_apt() -> str:
    if shutil.which("apt-get") is None or shutil.which("debconf-set-selections") is None:
        return "no apt-get/debconf here (not Debian or Ubuntu)"
    if os.geteuid() != 0 and subprocess.run(["sudo", "-n", "true"], check=False).returncode:
        return "needs root or passwordless sudo"
    return ""


pytestmark = pytest.mark.skipif(bool(_can_use_apt()), reason=_can_use_apt() or "-")


def _hold(path: Path, *, use_flock: bool = False) -> threading.Thread:
    """Take the lock on ``path`` now and release it after HOLD_SECONDS (in a thread)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o640)
    if use_flock:
        fcntl.flock(fd, fcntl.LOCK_EX)
    else:
        fcntl.lockf(fd, fcntl.LOCK_EX)  # fcntl(F_SETLK), as apt and dpkg do

    def release() -> None:
        time.sleep(HOLD_SECONDS)
        os.close(fd)

    thread = threading.Thread(target=release)
    thread.start()
    return thread


def _run(tmp_path: Path, shell: str) -> tuple[int, float, str]:
    """Source the script (defines its functions, runs nothing) and run ``shell``."""
    log = tmp_path / "apt.log"
    started = time.monotonic()
    done = subprocess.run(
        ["bash", "-c", f'source "{SCRIPT}"; LOG="{log}"; {shell}'],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - started
    return (
        done.returncode,
        elapsed,
        done.stdout + done.stderr + (log.read_text() if log.exists() else ""),
    )


def test_waits_for_the_dpkg_frontend_lock(tmp_path):
    holder = _hold(Path("/var/lib/dpkg/lock-frontend"))
    # Already installed (the suite needs Dovecot): takes the lock, changes nothing.
    code, elapsed, output = _run(
        tmp_path,
        'apt_get "$LOG" install -y -q --no-download --no-install-recommends dovecot-imapd',
    )
    holder.join()
    assert code == 0, output
    assert elapsed >= HOLD_SECONDS - 1, "it must have waited for the lock"
    assert "dovecot-imapd is already the newest version" in output


def test_waits_for_the_package_lists_lock(tmp_path):
    lists = tmp_path / "lists"
    (lists / "partial").mkdir(parents=True)
    (tmp_path / "cache" / "archives" / "partial").mkdir(parents=True)
    (tmp_path / "parts").mkdir()
    holder = _hold(lists / "lock")
    code, elapsed, output = _run(
        tmp_path,
        f'apt_get "$LOG" -o Dir::State::Lists="{lists}" -o Dir::Cache="{tmp_path}/cache" '
        f'-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="{tmp_path}/parts" '
        "update -q",
    )
    holder.join()
    assert code == 0, output
    assert "Could not get lock" in output, "apt saw the lock at first"
    assert "services-up: waiting for another package manager" in output
    assert elapsed >= HOLD_SECONDS - 1


def test_waits_for_the_debconf_lock(tmp_path):
    config = tmp_path / "config.dat"
    config.touch()
    (tmp_path / "debconf.conf").write_text(
        "Config: configdb\nTemplates: templatedb\n\n"
        f"Name: configdb\nDriver: File\nFilename: {config}\n\n"
        f"Name: templatedb\nDriver: File\nMode: 644\nFilename: {tmp_path}/templates.dat\n"
    )
    selections = tmp_path / "selections"
    selections.write_text("postfix postfix/main_mailer_type select No configuration\n")
    holder = _hold(config, use_flock=True)
    code, elapsed, output = _run(
        tmp_path,
        f'export DEBCONF_SYSTEMRC="{tmp_path}/debconf.conf"; '
        f'with_lock_wait "$LOG" debconf-set-selections "{selections}"',
    )
    holder.join()
    assert code == 0, output
    assert "is locked by another process" in output
    assert elapsed >= HOLD_SECONDS - 1
    assert "No configuration" in config.read_text()


def test_other_failures_are_not_retried(tmp_path):
    code, elapsed, output = _run(
        tmp_path, 'apt_get "$LOG" install -y -q --no-download ventanilla-no-such-package'
    )
    assert code != 0
    assert "Unable to locate package ventanilla-no-such-package" in output
    assert elapsed < 30
