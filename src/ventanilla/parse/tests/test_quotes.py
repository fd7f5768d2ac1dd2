"""split_reply on hand-made es/en replies from the clients our customers use."""

from __future__ import annotations

import time

import pytest

from ventanilla.parse.quotes import split_reply

QUOTE_ES = "> Buenos días:\n>\n> Pruebe a reiniciar el router.\n>\n> Un saludo,\n> Soporte\n"
QUOTE_EN = "> Hello,\n>\n> Please restart the router.\n>\n> Regards,\n> Support\n"

GMAIL_ES = (
    "Hola,\n\nSigue sin funcionar después de reiniciar.\n\nGracias,\nLucía\n\n"
    "El lun, 3 nov 2025 a las 10:02, Soporte Empresa (<soporte@empresa.es>)\n"
    "escribió:\n\n" + QUOTE_ES
)
GMAIL_EN = (
    "Hi,\n\nStill broken after the restart.\n\nThanks,\nJohn\n\n"
    "On Mon, Nov 3, 2025 at 10:02 AM Support <soporte@empresa.es> wrote:\n\n" + QUOTE_EN
)
OUTLOOK_DESKTOP_ES = (
    "Buenas tardes:\n\nAdjunto la captura del error.\n\nSaludos\n\n"
    "-----Mensaje original-----\nDe: Soporte <soporte@empresa.es>\n"
    "Enviado el: lunes, 3 de noviembre de 2025 10:02\nPara: Ana <ana@cliente.es>\n"
    "Asunto: [SOP-2025-00042] Error al imprimir\n\nPruebe a reiniciar el router.\n"
)
OUTLOOK_DESKTOP_EN = (
    "Please find the screenshot attached.\n\n"
    "-----Original Message-----\nFrom: Support <soporte@empresa.es>\n"
    "Sent: Monday, November 3, 2025 10:02 AM\nTo: John <john@client.com>\n"
    "Subject: [SOP-2025-00042] Printing error\n\nPlease restart the router.\n"
)
OUTLOOK_WEB_ES = (
    "Ya funciona, gracias.\n\n________________________________\n"
    "De: Soporte <soporte@empresa.es>\nEnviado: lunes, 3 de noviembre de 2025 10:02\n"
    "Para: Ana <ana@cliente.es>\nAsunto: Error al imprimir\n\nPruebe a reiniciar el router.\n"
)
OUTLOOK_WEB_EN = (
    "It works now, thanks.\n\nGet Outlook for iOS<https://aka.ms/o0ukef>\n"
    "________________________________\nFrom: Support <soporte@empresa.es>\n"
    "Sent: Monday, November 3, 2025 10:02:11 AM\nTo: John <john@client.com>\n"
    "Subject: Printing error\n\nPlease restart the router.\n"
)
APPLE_IPHONE_ES = (
    "Vale, lo pruebo esta tarde.\n\nEnviado desde mi iPhone\n\n"
    "> El 3 nov 2025, a las 10:02, Soporte <soporte@empresa.es> escribió:\n>\n" + QUOTE_ES
)
THUNDERBIRD_EN = "Done, thank you.\n\nOn 03/11/2025 10:02, Support wrote:\n" + QUOTE_EN
SIGNATURE_DASHES = (
    "Necesito una copia de la factura 2025-118.\n\n-- \nAna García\nDpto. Compras\n"
    "Tel. 600 000 000\n"
)
STARTS_WITH_THANKS = (
    "Gracias,\n\nya he podido entrar. Podéis cerrar la incidencia.\n\nUn saludo,\nAna\n\n"
    "El mar, 4 nov 2025 a las 9:15, <soporte@empresa.es> escribió:\n" + QUOTE_ES
)
ANDROID_EN = (
    "It's fixed.\n\nSent from my Android phone\n\nOn Tue, 4 Nov 2025, 09:15 Support wrote:\n"
    + QUOTE_EN
)
OBTENER_OUTLOOK = "Recibido.\n\nObtener Outlook para iOS<https://aka.ms/o0ukef>\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GMAIL_ES, "Hola,\n\nSigue sin funcionar después de reiniciar.\n\nGracias,\nLucía"),
        (GMAIL_EN, "Hi,\n\nStill broken after the restart.\n\nThanks,\nJohn"),
        (OUTLOOK_DESKTOP_ES, "Buenas tardes:\n\nAdjunto la captura del error.\n\nSaludos"),
        (OUTLOOK_DESKTOP_EN, "Please find the screenshot attached."),
        (OUTLOOK_WEB_ES, "Ya funciona, gracias."),
        (OUTLOOK_WEB_EN, "It works now, thanks."),
        (APPLE_IPHONE_ES, "Vale, lo pruebo esta tarde."),
        (THUNDERBIRD_EN, "Done, thank you."),
        (SIGNATURE_DASHES, "Necesito una copia de la factura 2025-118."),
        (
            STARTS_WITH_THANKS,
            "Gracias,\n\nya he podido entrar. Podéis cerrar la incidencia.\n\nUn saludo,\nAna",
        ),
        (ANDROID_EN, "It's fixed."),
        (OBTENER_OUTLOOK, "Recibido."),
    ],
    ids=[
        "gmail-es-wrapped",
        "gmail-en",
        "outlook-desktop-es",
        "outlook-desktop-en",
        "outlook-web-es",
        "outlook-web-en",
        "apple-iphone-es",
        "thunderbird-en",
        "dash-signature",
        "starts-with-gracias",
        "android-en",
        "obtener-outlook",
    ],
)
def test_client_replies(text, expected):
    assert split_reply(text) == expected


def test_crlf_line_endings():
    assert split_reply(GMAIL_EN.replace("\n", "\r\n")) == (
        "Hi,\n\nStill broken after the restart.\n\nThanks,\nJohn"
    )


def test_plain_message_is_kept_whole():
    text = "Hola,\n\nNo puedo acceder a la intranet desde esta mañana.\n\nGracias,\nLucía\n"
    assert split_reply(text) == text.strip()


def test_bottom_posted_reply_keeps_the_text_below_the_quote():
    text = "On Mon, Nov 3, 2025 at 10:02 AM Support <s@empresa.es> wrote:\n" + QUOTE_EN
    assert split_reply(text + "\nThat did not help.\n") == "That did not help."


def test_inline_answers_are_kept():
    text = (
        "See my answers below.\n\nOn Mon, Nov 3, 2025 at 10:02 AM Support <s@empresa.es> wrote:\n"
        "> Which model is it?\n\nAn HP LaserJet.\n\n> Since when?\n\nSince Monday.\n\n"
        "> Regards\n"
    )
    out = split_reply(text)
    assert "An HP LaserJet." in out
    assert "Since Monday." in out
    assert not out.endswith("> Regards")


def test_forward_without_comment_keeps_the_forwarded_text():
    text = (
        "---------- Forwarded message ---------\nFrom: Banco <avisos@banco.es>\n"
        "Date: Mon, Nov 3, 2025 at 10:02 AM\nSubject: Recibo devuelto\nTo: <ana@cliente.es>\n\n"
        "Su recibo ha sido devuelto.\n"
    )
    assert split_reply(text) == "Su recibo ha sido devuelto."


def test_never_empty_when_there_is_text():
    text = QUOTE_EN  # a message that is nothing but a quote
    assert split_reply(text) == text.strip()
    assert split_reply("-- \nAna") == "-- \nAna"


def test_header_words_inside_a_request_are_not_a_quote():
    text = "Quiero cambiar el billete.\nDe: Madrid\nPara: Barcelona\nGracias\n"
    assert split_reply(text) == text.strip()


def test_sent_from_sentence_is_not_a_signature():
    text = "Hi\n\nSent from my desk, which is easier than my phone.\n"
    assert split_reply(text) == text.strip()


def test_html_only_gmail_reply():
    html = (
        '<div dir="ltr">No me llega el correo de confirmación.</div><br>'
        '<div class="gmail_quote"><div class="gmail_attr">El lun, 3 nov 2025 a las 10:02, '
        'Soporte escribió:</div><blockquote class="gmail_quote">¿Ha revisado spam?</blockquote>'
        "</div>"
    )
    assert split_reply("", html) == "No me llega el correo de confirmación."


def test_html_structure_used_when_text_shows_no_quote():
    # Outlook in a language our text rules do not know: the HTML still marks the quote.
    text = "Ok, grazie.\n\nDa: Supporto\nInviato: lunedì\n\nProvi a riavviare.\n"
    html = (
        '<div>Ok, grazie.</div><hr><div id="divRplyFwdMsg"><b>Da:</b> Supporto<br>'
        "<b>Inviato:</b> lunedì</div><div>Provi a riavviare.</div>"
    )
    assert split_reply(text, html) == "Ok, grazie."


def test_empty_inputs():
    assert split_reply("") == ""
    assert split_reply("", "") == ""
    assert split_reply("  \n ") == ""


@pytest.mark.parametrize(
    "body",
    [
        "On " + "a" * 300_000 + " wrote:\n" + "> x\n" * 10,
        ("El " + "1 <a@b> " * 40 + "\n") * 3000,
        ("> " + ">" * 500 + "\n") * 2000 + "Hola",
        ("De: x\n" * 5 + "texto\n") * 2000,
        "<" + "a@" * 100_000 + ">:",
        ("_" * 399 + "x\n") * 50,
        ("*" * 200 + "_" * 199 + "x\n") * 50,
        ("Sent from my " + "a " * 150 + "\n") * 50,
    ],
    ids=[
        "huge-line",
        "many-attribution-like",
        "deep-quotes",
        "many-headers",
        "address-run",
        "underscores",
        "stars-underscores",
        "sent-from-my-long",
    ],
)
def test_hostile_input_is_fast(body):
    started = time.perf_counter()
    assert split_reply(body)
    assert time.perf_counter() - started < 1.0
