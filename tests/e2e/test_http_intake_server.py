"""HTTP intake against the real web server process (``ventanilla web``: gunicorn, as ``run``).

A raw socket client writes the request, so it can do what a failing relay does: declare a
length and close early, or send the body chunked. The server uses this test's database.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ventanilla.mail.models import InboundMessage
from ventanilla.mail.services import mailbox_token_rotate

from .conftest import child_database_url

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VENTANILLA = str(Path(sys.executable).with_name("ventanilla"))
PATH = "/intake/soporte@empresa.es/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(tmp_path: Path, **env: str) -> tuple[subprocess.Popen[bytes], int]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    port = _free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("VENTANILLA_", "DJANGO_"))}
    base.update(
        VENTANILLA_HOME=str(home),
        VENTANILLA_DATABASE_URL=child_database_url(),
        DJANGO_SETTINGS_MODULE="ventanilla.settings",
        **env,
    )
    log = (tmp_path / "web.log").open("wb")
    process = subprocess.Popen(
        [VENTANILLA, "web", f"127.0.0.1:{port}", "--workers", "1", "--no-collectstatic"],
        env=base,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail((tmp_path / "web.log").read_text())
            time.sleep(0.1)


@pytest.fixture
def server(tmp_path, mailbox):
    """Start ``ventanilla web``; yield ``start(**env) -> (port, token)``; stop it."""
    token = mailbox_token_rotate(mailbox=mailbox)
    started: list[subprocess.Popen[bytes]] = []

    def start(**env: str) -> tuple[int, str]:
        process, port = _start(tmp_path, **env)
        started.append(process)
        return port, token

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)


def _head(token: str, **fields: str) -> bytes:
    lines = [
        f"POST {PATH} HTTP/1.1",
        "Host: 127.0.0.1",
        f"Authorization: Bearer {token}",
        "Content-Type: message/rfc822",
        *(f"{name.replace('_', '-')}: {value}" for name, value in fields.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _response(sock: socket.socket) -> http.client.HTTPResponse:
    response = http.client.HTTPResponse(sock)
    response.begin()
    response.read()
    return response


def _chunked(raw: bytes, pieces: int = 3) -> bytes:
    step = len(raw) // pieces + 1
    body = b"".join(
        f"{len(raw[i : i + step]):x};piece={n}\r\n".encode() + raw[i : i + step] + b"\r\n"
        for n, i in enumerate(range(0, len(raw), step))
    )
    return body + b"0\r\nX-Relay-Checksum: abc\r\n\r\n"


def test_a_truncated_body_is_not_stored_and_the_full_retry_is(server, make_mail):
    port, token = server()
    raw = make_mail(body="Hola,\n\nadjunto el informe completo.\n" * 50)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(_head(token, Content_Length=str(len(raw))) + raw[: len(raw) // 2])
        sock.shutdown(socket.SHUT_WR)  # the relay dies half way
        assert _response(sock).status == 400
    assert not InboundMessage.objects.exists()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(_head(token, Content_Length=str(len(raw))) + raw)
        response = _response(sock)
    assert response.status == 202
    inbound = InboundMessage.objects.get()
    assert bytes(inbound.raw) == raw


def test_a_chunked_body_is_stored_and_the_connection_stays_usable(server, make_mail):
    port, token = server()
    raw = make_mail(subject="Enviado por partes", body="Primera línea.\n" * 200)
    other = make_mail(subject="Después, en la misma conexión")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(_head(token, Transfer_Encoding="chunked") + _chunked(raw))
        assert _response(sock).status == 202
        # The chunked body was consumed exactly: the next request on the connection is read
        # as a request, not as leftover body bytes.
        sock.sendall(_head(token, Content_Length=str(len(other))) + other)
        assert _response(sock).status == 202
    stored = {bytes(m.raw) for m in InboundMessage.objects.all()}
    assert stored == {raw, other}


def test_an_unfinished_or_malformed_chunked_body_is_not_stored(server, make_mail):
    port, token = server()
    raw = make_mail()
    unfinished = _chunked(raw)[: -len(b"0\r\nX-Relay-Checksum: abc\r\n\r\n")]
    for body in (unfinished, b"zz\r\n" + raw + b"\r\n0\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(_head(token, Transfer_Encoding="chunked") + body)
            sock.shutdown(socket.SHUT_WR)
            assert _response(sock).status == 400
    assert not InboundMessage.objects.exists()


def test_a_chunked_body_over_the_limit_or_another_coding_is_refused(server, make_mail):
    port, token = server(VENTANILLA_MAX_MESSAGE_BYTES="2000")
    raw = make_mail(body="x\n" * 3000)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(_head(token, Transfer_Encoding="chunked") + _chunked(raw, pieces=10))
        assert _response(sock).status == 413
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(_head(token, Transfer_Encoding="gzip, chunked") + b"0\r\n\r\n")
        assert _response(sock).status == 501
    assert not InboundMessage.objects.exists()


def test_both_framings_at_once_are_refused_and_the_connection_closes(server, make_mail):
    port, token = server()
    raw = make_mail()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        head = _head(token, Content_Length="5", Transfer_Encoding="chunked")
        sock.sendall(head + _chunked(raw))
        # RFC 9112 §6.3: both framings at once may be request smuggling: the server refuses
        # the request and closes, so no byte of it is read as another request.
        assert _response(sock).status == 400
        assert sock.recv(1) == b""
    assert not InboundMessage.objects.exists()
