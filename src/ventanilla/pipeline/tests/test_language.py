"""The language step: from the new text, else subject + whole text; bounces skipped."""

from __future__ import annotations

import pytest

from ventanilla.pipeline.context import MailKind
from ventanilla.pipeline.handlers.body import ExtractBody
from ventanilla.pipeline.handlers.language import DetectLanguage

pytestmark = pytest.mark.django_db


def run(ctx):
    ExtractBody().process(ctx)
    DetectLanguage().process(ctx)
    return ctx.language


def test_spanish_mail(make_ctx, make_mail):
    assert run(make_ctx(make_mail())) == "es"


def test_english_reply_to_a_spanish_quote_is_english(make_ctx, make_mail):
    body = (
        "I still cannot print anything from the office laptop.\n\n"
        "El lun, 3 nov 2025 a las 10:02, Soporte <soporte@empresa.es> escribió:\n\n"
        "> Buenos días, pruebe a reiniciar la impresora y el ordenador, por favor.\n"
        "> Si el problema continúa, responda a este mensaje con una captura.\n"
    )
    assert run(make_ctx(make_mail(subject="Re: Impresora", body=body))) == "en"


def test_too_short_new_text_falls_back_to_subject_and_text(make_ctx, make_mail):
    ctx = make_ctx(make_mail(subject="No funciona la impresora de la planta dos", body="ok\n"))
    assert run(ctx) == "es"


def test_nothing_to_go_on_gives_empty(make_ctx, make_mail):
    assert run(make_ctx(make_mail(subject="?", body="ok\n"))) == ""


def test_bounce_is_not_detected(make_ctx, make_mail):
    ctx = make_ctx(make_mail(subject="Undelivered Mail Returned to Sender", body="Sorry."))
    ctx.kind = MailKind.BOUNCE
    assert run(ctx) == ""
