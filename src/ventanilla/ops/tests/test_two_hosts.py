"""Two hosts on one database: ``run --role intake,worker`` and ``run --role web``.

Each has its own data directory and its own blob directory (as if the shared mount were
missing on the web host). A mail with a PDF arrives over SMTP at the intake host, its worker
makes the ticket; an agent downloads the PDF from the web host, which never had the file:
it is rebuilt from the raw mail in the database. SIGTERM stops both cleanly.
"""

from __future__ import annotations

import http.cookiejar
import re
import signal
import smtplib
import time
import urllib.parse
import urllib.request
from email.message import EmailMessage

import pytest

from ventanilla.mail.models import InboundMessage
from ventanilla.ops.tests.processes import free_port, start, wait_until_running
from ventanilla.tickets.blobs import blob_name
from ventanilla.tickets.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "secret-pass-123"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 64


def _mail() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Lucía <lucia@cliente.es>"
    msg["To"] = "soporte@empresa.es"
    msg["Subject"] = "Adjunto el contrato"
    msg["Message-ID"] = "<two-hosts@cliente.es>"
    msg.set_content("Hola, adjunto el contrato firmado.")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="contrato.pdf")
    return msg


def _download(base: str, path: str) -> bytes:
    """Log in as ana on ``base`` like a browser, then GET ``path``."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login/", timeout=30) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    assert token, "no CSRF token on the login page"
    form = {"csrfmiddlewaretoken": token[1], "username": "ana", "password": PASSWORD}
    with opener.open(f"{base}/login/", data=urllib.parse.urlencode(form).encode(), timeout=30):
        pass
    with opener.open(base + path, timeout=30) as response:
        assert response.status == 200
        return bytes(response.read())


def test_the_web_host_serves_a_file_only_the_intake_host_stored(
    tmp_path, settings, mailbox, team, make_agent
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_agent("ana", teams=[team], password=PASSWORD)
    mailbox.team = team
    mailbox.save(update_fields=["team"])
    smtp_port, web_port = free_port(), free_port()
    common = ["--no-migrate", "--no-demo"]
    intake_log, web_log = tmp_path / "intake.log", tmp_path / "web.log"
    intake = start(
        ["run", "--role", "intake,worker", *common],
        intake_log,
        VENTANILLA_HOME=str(tmp_path / "a"),
        VENTANILLA_BLOB_DIR=str(tmp_path / "blobs-a"),
        VENTANILLA_SMTP_LISTEN=f"127.0.0.1:{smtp_port}",
    )
    web = start(
        ["run", "--role", "web", *common],
        web_log,
        VENTANILLA_HOME=str(tmp_path / "b"),
        VENTANILLA_BLOB_DIR=str(tmp_path / "blobs-b"),
        VENTANILLA_WEB_LISTEN=f"127.0.0.1:{web_port}",
        VENTANILLA_WEB_WORKERS="1",
    )
    try:
        wait_until_running(intake, intake_log)
        wait_until_running(web, web_log)
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30) as client:
            client.send_message(_mail())
        deadline = time.monotonic() + 60
        while not InboundMessage.objects.filter(state="processed").exists():
            assert time.monotonic() < deadline, intake_log.read_text()
            time.sleep(0.2)
        pdf = Attachment.objects.select_related("article__ticket").get(filename="contrato.pdf")
        assert (tmp_path / "blobs-a" / blob_name(pdf.sha256)).read_bytes() == PDF
        assert not (tmp_path / "blobs-b").exists()

        path = f"/t/{pdf.article.ticket.number}/attachments/{pdf.pk}/"
        assert _download(f"http://127.0.0.1:{web_port}", path) == PDF
        assert (tmp_path / "blobs-b" / blob_name(pdf.sha256)).read_bytes() == PDF

        for process, log in ((intake, intake_log), (web, web_log)):
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0, log.read_text()
    finally:
        for process in (intake, web):
            if process.poll() is None:
                process.kill()
                process.wait()
