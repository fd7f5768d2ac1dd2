"""``parse_message`` on MIME structure: alternatives, inline and attached parts, bad multiparts."""

from __future__ import annotations

import pytest

from ventanilla.parse.parsing import parse_message, safe_filename
from ventanilla.parse.tests.builders import FROM, PNG, mime, multipart, part, raw_mail, sender


def test_alternative_gives_text_and_html():
    raw = mime(
        multipart(
            "alternative",
            part("text/plain; charset=utf-8", "¿Podéis?"),
            part("text/html; charset=utf-8", "<p>¿Podéis?</p>"),
        )
    )
    mail = parse_message(raw)
    assert (mail.text, mail.html, mail.attachments) == ("¿Podéis?", "<p>¿Podéis?</p>", [])


def test_html_only_leaves_text_empty():
    mail = parse_message(mime(part("text/html", "<b>Hola</b>")))
    assert (mail.text, mail.html) == ("", "<b>Hola</b>")


def test_related_inline_image_and_mixed_attachments():
    related = multipart(
        "related",
        part("text/html", '<img src="cid:logo@x">'),
        part("image/png", PNG, "Content-Transfer-Encoding: base64", "Content-ID: < logo@x >"),
        boundary="b2",
    )
    alternative = multipart("alternative", part("text/plain", "Hola"), related, boundary="b3")
    raw = mime(
        multipart(
            "mixed",
            alternative,
            part("text/plain; name=notas.txt", "notas", "Content-Disposition: attachment"),
            part(
                "application/pdf",
                PNG,
                "Content-Transfer-Encoding: base64",
                "Content-Disposition: attachment; filename*=utf-8''Presupuesto%20a%C3%B1o.pdf",
            ),
        )
    )
    mail = parse_message(raw)
    assert mail.text == "Hola"
    assert mail.html == '<img src="cid:logo@x">'
    got = [(a.filename, a.content_type, a.content_id, a.inline) for a in mail.attachments]
    assert got == [
        ("", "image/png", "logo@x", True),
        ("notas.txt", "text/plain", "", False),
        ("Presupuesto año.pdf", "application/pdf", "", False),
    ]
    assert mail.attachments[0].content == b"\x89PNG fake"


def test_text_attachment_without_other_body():
    raw = mime(part("text/plain", "dato", "Content-Disposition: attachment; filename=d.csv"))
    mail = parse_message(raw)
    assert mail.text == ""
    assert [(a.filename, a.content) for a in mail.attachments] == [("d.csv", b"dato")]


def test_named_inline_text_part_is_body_and_file():
    raw = mime(
        multipart(
            "mixed",
            part("text/plain; name=cuento.txt", "Érase una vez", "Content-Disposition: inline"),
        )
    )
    mail = parse_message(raw)
    assert mail.text == "Érase una vez"
    assert [(a.filename, a.inline) for a in mail.attachments] == [("cuento.txt", True)]


def test_apple_style_text_image_text_is_joined():
    raw = mime(
        multipart(
            "mixed",
            part("text/plain", "Antes\n"),
            part(
                "image/jpeg; name=foto.jpg",
                PNG,
                "Content-Transfer-Encoding: base64",
                "Content-Disposition: inline; filename=foto.jpg",
            ),
            part("text/plain", "Después\n"),
        )
    )
    mail = parse_message(raw)
    assert mail.text == "Antes\nDespués\n"
    assert [(a.filename, a.inline) for a in mail.attachments] == [("foto.jpg", True)]


def test_forwarded_message_is_an_eml_attachment():
    inner = "From: otro@x.es\r\nSubject: Factura / marzo\r\n\r\nTexto original\r\n"
    raw = mime(multipart("mixed", part("text/plain", "Os reenvío"), part("message/rfc822", inner)))
    mail = parse_message(raw)
    assert mail.text == "Os reenvío"
    assert len(mail.attachments) == 1
    forwarded = mail.attachments[0]
    assert (forwarded.filename, forwarded.content_type) == ("Factura _ marzo.eml", "message/rfc822")
    assert b"Texto original" in forwarded.content
    assert parse_message(forwarded.content).subject == "Factura / marzo"


def test_delivery_report_parts_are_left_to_the_rules():
    raw = mime(
        multipart(
            "report; report-type=delivery-status",
            part("text/plain", "No se pudo entregar"),
            part("message/delivery-status", "Reporting-MTA: dns; mx.x.es\r\n\r\nStatus: 5.1.1\r\n"),
            part("message/rfc822", "From: soporte@empresa.es\r\nSubject: Ticket\r\n\r\nHola\r\n"),
        )
    )
    mail = parse_message(raw)
    assert mail.text == "No se pudo entregar"
    assert mail.attachments == []


def test_signed_message_keeps_the_signature_as_attachment():
    raw = mime(
        multipart(
            'signed; protocol="application/pgp-signature"',
            part("text/plain; charset=utf-8", "Firmado"),
            part("application/pgp-signature; name=signature.asc", "-----BEGIN PGP SIGNATURE-----"),
        )
    )
    mail = parse_message(raw)
    assert mail.text == "Firmado"
    assert [a.filename for a in mail.attachments] == ["signature.asc"]


def test_missing_boundary_is_read_as_text():
    raw = mime('Content-Type: multipart/mixed; boundary="nunca"\r\n\r\nSolo texto\r\n')
    mail = parse_message(raw)
    assert mail.text == "Solo texto\n"
    assert "StartBoundaryNotFoundDefect" in mail.defects


def test_truncated_multipart_keeps_what_arrived():
    raw = mime(
        multipart(
            "mixed",
            part("text/plain", "Primera parte"),
            part("application/pdf", PNG[:7], "Content-Transfer-Encoding: base64"),
            close=False,
        )
    )
    mail = parse_message(raw[:-6])
    assert mail.text == "Primera parte"
    assert "CloseBoundaryNotFoundDefect" in mail.defects


def test_lost_folding_in_header_block_is_repaired():
    raw = raw_mail(
        "Received: from relay",
        "by localhost with SMTP; 19 Nov 2014",
        "quite Delivered-To: x@y.es",
        "Subject : Hola",
        FROM,
        body=b"Cuerpo\n",
    )
    mail = parse_message(raw)
    assert (sender(mail).email, mail.subject, mail.text) == ("lucia@cliente.es", "Hola", "Cuerpo\n")
    assert "header-block-repaired" in mail.defects


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\new\\virus.exe", "virus.exe"),
        ("fac\x00tu\nra\r.pdf", "factura.pdf"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("=?utf-8?Q?Contrase=C3=B1a.txt?=", "Contraseña.txt"),
        ('a<b>c:"d|e?f*.txt', "a_b_c__d_e_f_.txt"),
        (".htaccess", "htaccess"),
        ("x" * 500 + ".docx", "x" * 195 + ".docx"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["Content-Disposition: attachment; filename=Mi informe final.pdf"],
            "Mi informe final.pdf",
        ),
        (["Content-Disposition: attachment; filename==?utf-8?B?QcOxby5wZGY=?="], "Año.pdf"),
        (
            ["Content-Disposition: attachment", "Content-Location: fotos/Photo25.jpg?x=1"],
            "Photo25.jpg",
        ),
        (
            ['Content-Disposition: attachment; filename="=?iso-8859-1?Q?M=E4ngel.xlsx?="'],
            "Mängel.xlsx",
        ),
    ],
)
def test_lenient_attachment_names(headers, expected):
    raw = mime(
        multipart(
            "mixed",
            part("text/plain", "Adjunto"),
            part("application/octet-stream", "datos", *headers),
        )
    )
    assert [a.filename for a in parse_message(raw).attachments] == [expected]


def test_related_root_named_by_start_parameter():
    # RFC 2387 §3.2: "start" names the root by Content-ID; it need not be the first part.
    entity = multipart(
        "related",
        part("image/png", PNG, "Content-ID: <logo@x>", "Content-Transfer-Encoding: base64"),
        part("text/html", '<img src="cid:logo@x">', "Content-ID: < raiz@x >"),
    ).replace('boundary="b1"', 'boundary="b1"; start="<raiz@x>"', 1)
    mail = parse_message(mime(entity))
    assert mail.html == '<img src="cid:logo@x">'
    assert [(a.content_id, a.inline, a.content) for a in mail.attachments] == [
        ("logo@x", True, b"\x89PNG fake")
    ]
