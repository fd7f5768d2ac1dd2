"""A real Postfix for tests, in a temp dir, delivering to our LMTP port.

Use it as a pytest plugin (registered in the root ``conftest.py``)::

    def test_something(postfix):
        postfix.send(raw, rcpts=["soporte@empresa.es"])   # SMTP into Postfix
        postfix.queue()                                     # what waits in its queue
        postfix.flush()                                     # retry deferred mail now

Mail for ``empresa.es`` goes to ``lmtp:inet:127.0.0.1:<postfix.lmtp_port>`` (a free port
chosen here, where the test starts or does not start our LMTP listener); everything else
goes to an aiosmtpd sink as relayhost (``postfix.relayed``). Retries are fast
(``queue_run_delay``/backoff of 1-2 s) so a test never waits minutes.

The configuration is self-contained (own config and
queue directories, chroot off, log to a file, empty alias maps). Postfix needs root (it
drops to the ``postfix`` user); when ``/usr/sbin/postfix`` is missing the fixture fails
loudly, never skips.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import smtplib
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

POSTFIX = os.environ.get("VENTANILLA_TEST_POSTFIX", "/usr/sbin/postfix")
DOMAIN = "empresa.es"

_MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {root}/spool
data_directory = {root}/data
maillog_file_prefixes = {root}
maillog_file = {root}/maillog
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.ventanilla.test
mydestination =
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = {domain}
virtual_transport = lmtp:inet:127.0.0.1:{lmtp_port}
relayhost = [127.0.0.1]:{relay_port}
disable_dns_lookups = yes
smtp_dns_support_level = disabled
smtputf8_enable = yes
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
lmtp_connect_timeout = 5s
"""


def free_port() -> int:
    """Return a loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Sink:
    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        self.envelopes.append(envelope)
        return "250 OK"

    def __init__(self) -> None:
        self.envelopes: list = []


@dataclass
class Postfix:
    """A running Postfix instance: ports, directories, and the commands a test needs."""

    root: Path
    smtp_port: int
    lmtp_port: int
    sink: _Sink = field(repr=False)

    @property
    def etc(self) -> Path:
        return self.root / "etc"

    @property
    def relayed(self) -> list:
        """Envelopes Postfix relayed to the sink (mail not for ``empresa.es``)."""
        return self.sink.envelopes

    def send(self, raw: bytes, *, sender: str = "lucia@cliente.es", rcpts: list[str]) -> None:
        """Hand ``raw`` to Postfix over SMTP (raises if it is refused)."""
        raw = re.sub(rb"\r?\n", b"\r\n", raw)
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as client:
            refused = client.sendmail(sender, rcpts, raw)
        assert not refused, refused

    def queue(self) -> list[dict]:
        """Return Postfix's queue, one dict per message (``postqueue -j``)."""
        out = self._run("postqueue", "-c", str(self.etc), "-j").stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def flush(self) -> None:
        """Ask Postfix to retry every deferred message now (``postqueue -f``)."""
        self._run("postqueue", "-c", str(self.etc), "-f")

    def log(self) -> str:
        """Return the mail log so far."""
        path = self.root / "maillog"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, timeout: float = 15.0) -> None:
        """Stop Postfix and wait until its master process is gone."""
        pid_file = self.root / "spool" / "pid" / "master.pid"
        pid = int(pid_file.read_text().split()[0]) if pid_file.exists() else 0
        self._run("postfix", "-c", str(self.etc), "stop", check=False)
        deadline = time.monotonic() + timeout
        while pid and Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        binary = str(Path(POSTFIX).with_name(argv[0]))
        done = subprocess.run(
            [binary, *argv[1:]],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        if check and done.returncode != 0:
            pytest.fail(f"{' '.join(argv)} failed: {done.stdout}{done.stderr}\n{self.log()}")
        return done


def _write_config(root: Path, *, smtp_port: int, lmtp_port: int, relay_port: int) -> None:
    (root / "etc").mkdir(parents=True)
    (root / "spool").mkdir()
    (root / "data").mkdir()
    shutil.chown(root / "data", "postfix", "postfix")
    master = Path("/usr/share/postfix/master.cf.dist").read_text()
    # chroot off (column 5 "y" → "n"), and our smtpd on its own loopback port.
    master = re.sub(r"(?m)^([a-z]+ +(?:unix|inet|unix-dgram) +[-ny] +[-ny] +)y", r"\1n", master)
    master = re.sub(r"(?m)^smtp( +inet)", rf"127.0.0.1:{smtp_port}\1", master)
    (root / "etc" / "master.cf").write_text(master)
    (root / "etc" / "main.cf").write_text(
        _MAIN_CF.format(root=root, domain=DOMAIN, lmtp_port=lmtp_port, relay_port=relay_port)
    )


def _wait_port(port: int, postfix: Postfix, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"Postfix not listening on {port}:\n{postfix.log()}")


def start_postfix(root: Path, *, relay_port: int, sink: _Sink) -> Postfix:
    """Configure and start Postfix in ``root``; return it once its smtpd answers."""
    assert Path(POSTFIX).exists(), f"Postfix is required for this test: {POSTFIX} is missing"
    assert os.geteuid() == 0, "Postfix tests need root (Postfix drops to its own user)"
    smtp_port, lmtp_port = free_port(), free_port()
    _write_config(root, smtp_port=smtp_port, lmtp_port=lmtp_port, relay_port=relay_port)
    postfix = Postfix(root=root, smtp_port=smtp_port, lmtp_port=lmtp_port, sink=sink)
    postfix._run("postfix", "-c", str(postfix.etc), "check")
    postfix._run("postfix", "-c", str(postfix.etc), "start")
    _wait_port(smtp_port, postfix)
    return postfix


@pytest.fixture
def postfix() -> Iterator[Postfix]:
    """A running Postfix whose mail for ``empresa.es`` goes to LMTP on ``.lmtp_port``."""
    # Root-owned temp dir outside pytest's tmp_path: Postfix checks the owners of its tree.
    root = Path(tempfile.mkdtemp(prefix="ventanilla-postfix-"))
    root.chmod(0o755)
    sink = _Sink()
    relay = Controller(sink, hostname="127.0.0.1", port=free_port())
    relay.start()
    instance = None
    try:
        instance = start_postfix(root, relay_port=relay.port, sink=sink)
        yield instance
    finally:
        if instance is not None:
            instance.stop()
        relay.stop()
        shutil.rmtree(root, ignore_errors=True)
