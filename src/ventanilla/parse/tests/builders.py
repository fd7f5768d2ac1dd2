"""Raw messages for tests: header and MIME builders, attached messages, nesting, attachments."""

from __future__ import annotations

import base64


def enclosed(eol: bytes) -> bytes:
    """A message with folded headers, encoded words, raw 8-bit text and its own parts."""
    lines = [
        b"Received: from mx.otro.es (mx.otro.es [192.0.2.7])",
        b"\tby mail.cliente.es with ESMTPS id 4Xy;",
        b"        Mon, 7 Dec 2026 10:00:00 +0100",
        b"From: =?utf-8?q?Jos=C3=A9_Mu=C3=B1oz?= <jose@otro.es>",
        b"To:   Ana   <ana@cliente.es>,",
        b'  "Luis, el de compras" <luis@cliente.es>',
        b"Subject: =?iso-8859-1?q?Factura_de_dise=F1o?= =?utf-8?b?wqFVcmdlbnRlIQ==?=",
        b"X-Weird:no-space-after-colon",
        b"Date: Mon, 7 Dec 2026 10:00:00 +0100",
        b"MIME-Version: 1.0",
        b'Content-Type: multipart/alternative; boundary="inner"',
        b"",
        b"--inner",
        b"Content-Type: text/plain; charset=iso-8859-1",
        b"Content-Transfer-Encoding: 8bit",
        b"",
        b"El dise\xf1o est\xe1 listo.   ",
        b"--inner",
        b"Content-Type: text/html; charset=utf-8",
        b"",
        b"<p>El dise\xc3\xb1o est\xc3\xa1 listo.</p>",
        b"--inner--",
        b"",
    ]
    return eol.join(lines)


def outer(message: bytes, eol: bytes, *, headers: bytes = b"", part_headers: bytes = b"") -> bytes:
    lines = [
        b"From: Ana Ruiz <ana@cliente.es>",
        b"To: soporte@empresa.es",
        b"Subject: Fwd: Factura",
        b'Content-Type: multipart/mixed; boundary="outer"',
    ]
    head = eol.join(lines) + eol + headers + eol
    text = b"--outer" + eol + b"Content-Type: text/plain" + eol + eol + b"Reenvio." + eol
    part = b"--outer" + eol + b"Content-Type: message/rfc822" + eol + part_headers + eol
    return head + text + part + message + eol + b"--outer--" + eol


HEAD = b"From: Ana Ruiz <ana@cliente.es>\nTo: soporte@empresa.es\nSubject: Informe\n"


def nested_multiparts(depth: int, bottom: bytes) -> bytes:
    """``depth`` multiparts, each the only part of its parent, ``bottom`` at the end."""
    opening = b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i) for i in range(depth)
    )
    return HEAD + opening + bottom


def nested_messages(depth: int) -> bytes:
    """A text part, then ``depth`` message/rfc822 parts each enclosing the next."""
    inner = b"From: z@otro.es\nSubject: el fondo\n\ntexto del fondo\n"
    for i in range(depth):
        inner = b"From: n%d@otro.es\nContent-Type: message/rfc822\n\n" % i + inner
    return (
        HEAD + b"Content-Type: multipart/mixed; boundary=zz\n\n--zz\n"
        b"Content-Type: text/plain\n\nVer el reenvio adjunto.\n--zz\n"
        b"Content-Type: message/rfc822\n\n" + inner + b"\n--zz--\n"
    )


def many_attachments(count: int, text_last: bool = False) -> bytes:
    """A text part and ``count`` small attachments (the text first, or last)."""
    text = b"--m\nContent-Type: text/plain\n\nEl cuerpo del mensaje\n"
    files = [
        b"--m\nContent-Type: application/octet-stream\n"
        b"Content-Disposition: attachment; filename=f%d.bin\n\ncontenido %d\n" % (i, i)
        for i in range(count)
    ]
    parts = [*files, text] if text_last else [text, *files]
    return HEAD + b"Content-Type: multipart/mixed; boundary=m\n\n" + b"".join(parts) + b"--m--\n"


def raw_mail(*headers: str | bytes, body: bytes | str = b"Hola\n", eol: bytes = b"\r\n") -> bytes:
    """Join header lines and a body into message bytes (str is UTF-8 encoded)."""
    lines = [h.encode() if isinstance(h, str) else h for h in headers]
    data = body.encode() if isinstance(body, str) else body
    return eol.join(lines) + eol + eol + data


FROM = "From: Lucía <lucia@cliente.es>"


def sender(mail):
    """Return the sender, failing the test when there is none."""
    assert mail.sender is not None
    return mail.sender


def multipart(subtype: str, *parts: str, boundary: str = "b1", close: bool = True) -> str:
    """Return a multipart entity (headers + body) as text with CRLF line ends."""
    body = "".join(f"--{boundary}\r\n{p}\r\n" for p in parts)
    end = f"--{boundary}--\r\n" if close else ""
    return f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n{body}{end}'


def part(ctype: str, body: str, *headers: str) -> str:
    """Return one MIME part (headers + body) as text."""
    return "\r\n".join([f"Content-Type: {ctype}", *headers]) + "\r\n\r\n" + body


def mime(entity: str, *headers: str) -> bytes:
    """Prefix message headers to a MIME entity."""
    return (
        "\r\n".join([FROM, "Subject: prueba", "MIME-Version: 1.0", *headers]) + "\r\n" + entity
    ).encode()


PNG = base64.b64encode(b"\x89PNG fake").decode()


def mail_bytes(*headers: bytes | str, body: bytes = b"Hola\r\n") -> bytes:
    """Join header lines (str is UTF-8 encoded) and a body into message bytes."""
    lines = [h.encode() if isinstance(h, str) else h for h in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body
