"""``ventanilla suggest backfill`` as a command."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from ventanilla.suggest.models import Embedding


def test_backfill_command_embeds_tickets_and_articles(make_ticket, make_knowledge):
    make_ticket("Tarjeta rechazada", "Al pagar dice que la tarjeta fue rechazada")
    make_knowledge("Pago rechazado con tarjeta", "Compruebe la caducidad.")
    Embedding.objects.all().delete()
    out = StringIO()
    call_command("suggest", "backfill", stdout=out)
    assert "ticket: 1 embedded" in out.getvalue()
    assert "article: 1 embedded" in out.getvalue()
    assert Embedding.objects.count() == 2
