"""Matching as people type: accents and ñ folded, es/en stems, typos, exact matches first."""

from __future__ import annotations

import pytest

from ventanilla.search.api import SearchFilters, search

pytestmark = pytest.mark.django_db


def _numbers(query: str, user, **filters) -> list[str]:
    return [h.ref for h in search(query=query, user=user, filters=SearchFilters(**filters)).hits]


def test_accents_and_enye_fold_both_ways(make_ticket, boss):
    accented = make_ticket("Acceso", "Olvidé mi contraseña del correo")
    plain = make_ticket("Acceso", "No recuerdo la contrasena de la VPN")
    assert set(_numbers("contrasena", boss)) == {accented.number, plain.number}
    assert set(_numbers("CONTRASEÑA", boss)) == {accented.number, plain.number}


def test_exact_matches_rank_above_folded_ones(make_ticket, boss):
    plain = make_ticket("Acceso", "No recuerdo la contrasena de la VPN")
    accented = make_ticket("Acceso", "Olvidé mi contraseña del correo")
    hits = search(query="contraseña", user=boss).hits
    assert [h.ref for h in hits] == [accented.number, plain.number]
    assert [h.exact for h in hits] == [True, False]
    plural = make_ticket("Pago", "Adjunto las facturas de octubre")
    singular = make_ticket("Pago", "Adjunto la factura de octubre")
    assert _numbers("factura", boss) == [singular.number, plural.number]
    assert _numbers("facturas", boss) == [plural.number, singular.number]


def test_spanish_stems_plural_and_gender(make_ticket, boss):
    bills = make_ticket("Pago", "Me han cobrado dos facturas iguales")
    printer = make_ticket("Oficina", "La impresora de la planta 2 no imprime")
    assert _numbers("factura", boss) == [bills.number]
    assert _numbers("impresoras", boss) == [printer.number]


def test_english_stems(make_ticket, boss):
    ticket = make_ticket("Office", "The printer on floor 2 is jammed", language="en")
    assert _numbers("printers", boss) == [ticket.number]
    assert _numbers("jam", boss) == [ticket.number]


def test_a_small_typo_still_finds(make_ticket, boss):
    ticket = make_ticket("Acceso", "Olvidé mi contraseña del correo")
    hits = search(query="contrasñea", user=boss).hits
    assert [h.ref for h in hits] == [ticket.number]
    assert hits[0].exact is False
    assert "<mark>contraseña</mark>" in hits[0].snippet_html
    assert _numbers("imrpesora", boss) == []  # not a word of the index: nothing invented


def test_every_word_must_match_and_snippet_marks_them(make_ticket, boss):
    both = make_ticket("VPN", "La VPN se corta y la impresora <b>tampoco</b> va")
    make_ticket("VPN", "La VPN se corta cada hora")
    hits = search(query="vpn impresoras", user=boss).hits
    assert [h.ref for h in hits] == [both.number]
    snippet = hits[0].snippet_html
    assert "<mark>VPN</mark>" in snippet
    assert "<mark>impresora</mark>" in snippet
    assert "&lt;b&gt;tampoco&lt;/b&gt;" in snippet  # the text is escaped, only marks are HTML


def test_subject_customer_and_tags_are_indexed(make_ticket, boss):
    from ventanilla.tickets.tags import ticket_tags_set

    ticket = make_ticket("Certificado caducado", "Hola")
    ticket_tags_set(ticket=ticket, names=["facturación"], actor=boss)
    assert _numbers("certificado", boss) == [ticket.number]
    assert _numbers("facturacion", boss) == [ticket.number]
    assert _numbers(ticket.customer.email, boss) == [ticket.number]


def test_past_the_cap_the_newest_matches_are_ranked_and_the_total_says_more(make_ticket, boss):
    from ventanilla.search import engine
    from ventanilla.search.models import SearchDocument
    from ventanilla.search.terms import query_terms

    oldest = make_ticket("Pago", "La factura de octubre")
    middle = make_ticket("Pago", "Adjunto la factura de noviembre")
    newest = make_ticket("Pago", "Las facturas de diciembre")
    docs = SearchDocument.objects.all()
    capped = engine.match(terms=query_terms("factura", None), scope=docs, candidates=2)
    ids = dict(docs.values_list("ticket_id", "pk"))
    assert (capped.total, capped.more) == (2, True)
    # Exact first among the candidates: "factura" in the middle one, "facturas" in the newest.
    assert [r[0] for r in capped.rows] == [ids[middle.pk], ids[newest.pk]]
    whole = engine.match(terms=query_terms("factura", None), scope=docs, candidates=3)
    assert (whole.total, whole.more) == (3, False)
    assert {r[0] for r in whole.rows[:2]} == {ids[oldest.pk], ids[middle.pk]}
    assert whole.rows[2][0] == ids[newest.pk]
