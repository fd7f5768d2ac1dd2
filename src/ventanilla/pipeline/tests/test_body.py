"""The body step: text, sanitised HTML and the customer's new text, from real MIME."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from ventanilla.pipeline.handlers.body import ExtractBody

pytestmark = pytest.mark.django_db

REPLY_TEXT = (
    "Sigue sin funcionar.\n\nGracias,\nLucía\n\n"
    "El lun, 3 nov 2025 a las 10:02, Soporte <soporte@empresa.es> escribió:\n\n"
    "> Pruebe a reiniciar el router.\n"
)
REPLY_HTML = (
    '<div dir="ltr">Sigue sin funcionar.<br><br>Gracias,<br>Lucía'
    '<img src="https://tracker.example/open.gif" width="1" height="1"></div>'
    '<div class="gmail_quote"><div class="gmail_attr">El lun, 3 nov 2025 a las 10:02, '
    'Soporte escribió:</div><blockquote class="gmail_quote">Pruebe a reiniciar el router.'
    "<script>alert(1)</script></blockquote></div>"
)


def html_only(html: str) -> bytes:
    """A message whose only body is text/html."""
    msg = EmailMessage()
    msg["From"] = "Ana <ana@cliente.es>"
    msg["To"] = "soporte@empresa.es"
    msg["Subject"] = "Re: Error"
    msg["Message-ID"] = "<html-only@cliente.es>"
    msg.set_content(html, subtype="html")
    return msg.as_bytes()


def test_multipart_reply(make_ctx, make_mail):
    ctx = make_ctx(make_mail(body=REPLY_TEXT, html=REPLY_HTML))
    ExtractBody().process(ctx)
    assert ctx.body.text.startswith("Sigue sin funcionar.")
    assert "> Pruebe a reiniciar el router." in ctx.body.text  # the text is kept whole
    assert ctx.body.new_text == "Sigue sin funcionar.\n\nGracias,\nLucía"
    assert "<script" not in ctx.body.html
    assert "alert" not in ctx.body.html
    assert 'data-remote-src="https://tracker.example/open.gif"' in ctx.body.html
    assert " src=" not in ctx.body.html


def test_html_only_message_gets_a_text_version(make_ctx):
    ctx = make_ctx(html_only(REPLY_HTML))
    ExtractBody().process(ctx)
    assert "Sigue sin funcionar." in ctx.body.text
    assert "alert" not in ctx.body.text
    assert ctx.body.new_text == "Sigue sin funcionar.\n\nGracias,\nLucía"
    assert ctx.body.html.startswith('<div dir="ltr">Sigue sin funcionar.')


def test_plain_message_new_text_is_the_text(make_ctx, make_mail):
    ctx = make_ctx(make_mail())
    ExtractBody().process(ctx)
    assert ctx.body.html == ""
    assert ctx.body.new_text == ctx.body.text.strip()
    assert ctx.body.text.startswith("Hola,")


def test_cid_image_is_kept_for_inline_display(make_ctx, make_mail):
    html = '<p>Captura:</p><img src="cid:captura@cliente.es" alt="captura">'
    ctx = make_ctx(make_mail(body="Captura adjunta.", html=html))
    ExtractBody().process(ctx)
    assert '<img src="cid:captura@cliente.es" alt="captura">' in ctx.body.html
