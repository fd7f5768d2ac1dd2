"""The article step: the inbound mail becomes an article with its headers and body."""

from __future__ import annotations

import pytest

from ventanilla.pipeline.handlers.article import AppendArticle
from ventanilla.pipeline.handlers.customer import ResolveCustomer
from ventanilla.pipeline.handlers.ticket import OpenOrUpdateTicket

pytestmark = pytest.mark.django_db


def test_article_holds_headers_and_body(make_ctx, make_mail):
    ctx = make_ctx(
        make_mail(
            message_id="<a1@cliente.es>",
            in_reply_to="<prev@cliente.es>",
            cc="Jefe <jefe@cliente.es>",
            subject="Factura duplicada",
        )
    )
    ctx.body.text, ctx.body.new_text, ctx.body.html = "todo", "nuevo", "<p>nuevo</p>"
    ResolveCustomer().process(ctx)
    OpenOrUpdateTicket().process(ctx)
    AppendArticle().process(ctx)
    article = ctx.article
    assert article is not None
    assert (article.direction, article.kind) == ("in", "mail")
    assert article.sender_email == "lucia@cliente.es"
    assert article.sender_name == "Lucía Pérez"
    assert article.to == [{"name": "", "email": "soporte@empresa.es"}]
    assert article.cc == [{"name": "Jefe", "email": "jefe@cliente.es"}]
    assert article.message_id == "a1@cliente.es"
    assert article.in_reply_to == "prev@cliente.es"
    assert (article.text, article.new_text, article.html) == ("todo", "nuevo", "<p>nuevo</p>")
    assert article.sent_at is not None
    assert article.inbound == ctx.inbound
    assert ctx.ticket.events.filter(kind="article-added").count() == 1


def test_no_ticket_no_article(make_ctx, make_mail):
    ctx = make_ctx(make_mail())
    AppendArticle().process(ctx)
    assert ctx.article is None
