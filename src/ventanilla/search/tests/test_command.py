"""``ventanilla search``: JSON results as an agent sees them, and reindex."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("search", *args, stdout=out)
    return out.getvalue()


def test_json_search_scoped_by_user(make_ticket, make_agent, teams):
    soporte, facturacion = teams
    mine = make_ticket("VPN", "El cortafuegos bloquea", team=soporte)
    theirs = make_ticket("Cobro", "El cortafuegos del banco", team=facturacion)
    make_agent("ana", teams=[soporte])
    everything = json.loads(_run("cortafuegos", "--json"))
    assert {h["ref"] for h in everything["hits"]} == {mine.number, theirs.number}
    ana = json.loads(_run("cortafuegos", "--json", "--user", "ana"))
    assert [h["ref"] for h in ana["hits"]] == [mine.number]
    assert ana["total"] == 1
    assert "<mark>cortafuegos</mark>" in ana["hits"][0]["snippet_html"]
    with pytest.raises(CommandError):
        _run("cortafuegos", "--user", "nadie")


def test_text_output_and_reindex(make_ticket):
    ticket = make_ticket("VPN", "El cortafuegos bloquea")
    assert ticket.number in _run("cortafuegos")
    assert "1 documento indexado." in _run("reindex")
    assert ticket.number in _run("cortafuegos")
