"""Rating the solution from the resolution notice: confirm on the page, record on POST only."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from email.policy import default
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ventanilla.agents.services import agent_create
from ventanilla.core.links import _base36
from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.mail.models import MailTemplate, OutboundKind, OutboundMessage
from ventanilla.tickets.lifecycle import ticket_resolve
from ventanilla.tickets.models import SatisfactionRating, Ticket, TicketEvent
from ventanilla.tickets.portal_links import ticket_portal_links_revoke, ticket_portal_token
from ventanilla.tickets.satisfaction import ticket_rate
from ventanilla.tickets.services import ticket_create_from_mail

pytestmark = pytest.mark.django_db

RATE_RE = re.compile(r"https?://\S+/p/t/[^/\s]+/rate/(?:good|bad)/")


def _ticket(mailbox, email: str = "lucia@cliente.es") -> Ticket:
    customer = customer_upsert_from_mail(email=email, name="Lucía Pérez")
    return ticket_create_from_mail(
        mailbox=mailbox,
        customer=customer,
        subject="No puedo acceder a la intranet",
        received_at=timezone.now(),
        language="es",
    )


@pytest.fixture
def ticket(mailbox):
    return _ticket(mailbox)


@pytest.fixture
def resolved(ticket):
    return ticket_resolve(ticket=ticket, actor=None, note="Contraseña restablecida.")


def _notice_text(ticket) -> str:
    row = OutboundMessage.objects.get(ticket=ticket, kind=OutboundKind.RESOLUTION)
    body = message_from_bytes(bytes(row.raw), policy=default).get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _mailed_paths(ticket) -> dict[str, str]:
    """The rating links of the resolution notice, as paths: {"good": ..., "bad": ...}."""
    links = RATE_RE.findall(_notice_text(ticket))
    paths = {
        urlsplit(link).path.rstrip("/").rsplit("/", 1)[1]: urlsplit(link).path for link in links
    }
    assert set(paths) == {"good", "bad"}, links
    return paths


def _nothing_recorded(ticket) -> None:
    assert not SatisfactionRating.objects.filter(ticket=ticket).exists()
    assert not TicketEvent.objects.filter(ticket=ticket, kind="rated").exists()


def test_the_resolution_notice_offers_good_and_bad(resolved):
    text = _notice_text(resolved)
    assert "¿Lo hemos resuelto bien?" in text
    paths = _mailed_paths(resolved)
    assert paths["good"] != paths["bad"]


def _resolved_with_template(ticket, body: str) -> Ticket:
    MailTemplate.objects.create(
        mailbox=ticket.mailbox,
        kind="resolution",
        language="es",
        subject="Resuelto {{ ticket.number }}",
        body=body,
    )
    return ticket_resolve(ticket=ticket, actor=None, note="Hecho.")


def test_a_mailbox_template_is_the_admins_wording(ticket):
    # The admin's own notice is sent as written: the links come only where it places them.
    resolved = _resolved_with_template(ticket, "Hola, resuelto.\n\n-- \nSoporte Empresa")
    assert not RATE_RE.findall(_notice_text(resolved))


def test_a_mailbox_template_may_place_the_links_itself(ticket):
    body = "Resuelto. ¿Bien? {{ rating.good }} ¿Mal? {{ rating.bad }}"
    resolved = _resolved_with_template(ticket, body)
    text = _notice_text(resolved)
    assert len(RATE_RE.findall(text)) == 2
    assert "¿Lo hemos resuelto bien?" not in text


def test_a_get_alone_records_nothing(resolved):
    """A mail scanner fetching every link of the notice (even twice, HEAD too) rates nothing."""
    client = Client()
    for path in _mailed_paths(resolved).values():
        for _ in range(2):
            assert client.get(path).status_code == 200
        assert client.head(path).status_code == 200
    _nothing_recorded(resolved)


@pytest.mark.parametrize("value", ["good", "bad"])
def test_the_page_proposes_the_value_of_the_link(resolved, value):
    page = Client().get(_mailed_paths(resolved)[value]).content.decode()
    checked = re.search(r'<input[^>]*name="rating"[^>]*value="(\w+)"[^>]*checked', page)
    assert checked is not None, page
    assert checked.group(1) == value
    assert 'name="csrfmiddlewaretoken"' in page
    assert resolved.number in page


def test_the_post_records_it_then_shows_thanks(resolved):
    client = Client()
    path = _mailed_paths(resolved)["bad"]
    response = client.post(path, {"rating": "bad", "comment": "Tardó tres días."})
    assert response.status_code == 303
    row = SatisfactionRating.objects.get(ticket=resolved)
    assert (row.rating, row.comment) == ("bad", "Tardó tres días.")
    thanks = client.get(response["Location"]).content.decode()
    assert "tu valoración ha quedado registrada" in thanks
    assert "Tardó tres días." in thanks


def test_the_customer_may_choose_the_other_button_on_the_page(resolved):
    Client().post(_mailed_paths(resolved)["good"], {"rating": "bad", "comment": ""})
    assert SatisfactionRating.objects.get(ticket=resolved).rating == "bad"


def test_the_link_in_the_page_never_leaves_the_site_but_its_forms_can_post(resolved):
    # "same-origin": no Referer (with the token) to other sites; "no-referrer" would make the
    # browser send "Origin: null" with the form's POST, which the CSRF check refuses
    # (tests/browser/test_portal_flow.py posts through a real browser).
    response = Client().get(_mailed_paths(resolved)["good"])
    assert response["Referrer-Policy"] == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in response.content.decode()


def test_a_post_from_another_site_is_refused(resolved):
    client = Client(enforce_csrf_checks=True)
    path = _mailed_paths(resolved)["good"]
    client.get(path)
    token = client.cookies["csrftoken"].value
    response = client.post(
        path, {"rating": "good", "csrfmiddlewaretoken": token}, HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403
    _nothing_recorded(resolved)


def test_a_post_without_csrf_token_is_refused(resolved):
    client = Client(enforce_csrf_checks=True)
    response = client.post(_mailed_paths(resolved)["good"], {"rating": "good"})
    assert response.status_code == 403
    _nothing_recorded(resolved)


def test_one_rating_changed_within_the_window_then_fixed(resolved, settings):
    client = Client()
    path = _mailed_paths(resolved)["good"]
    client.post(path, {"rating": "good", "comment": ""})
    client.post(path, {"rating": "bad", "comment": "Ha vuelto a fallar."})
    assert SatisfactionRating.objects.filter(ticket=resolved).count() == 1
    assert SatisfactionRating.objects.get(ticket=resolved).rating == "bad"
    # The window ends: the page shows the rating without a form, a POST changes nothing.
    settings.VENTANILLA_RATING_DAYS = 0
    page = client.get(path).content.decode()
    assert "ya no se puede cambiar" in page
    assert 'name="rating"' not in page
    response = client.post(path, {"rating": "good", "comment": ""})
    assert response.status_code == 400
    assert SatisfactionRating.objects.get(ticket=resolved).rating == "bad"
    assert TicketEvent.objects.filter(ticket=resolved, kind="rated").count() == 2


def _other_ticket_same_signature(token: str) -> str:
    value, signed = token.split(":", 1)
    ticket_id, *rest = value.split("-")
    return "-".join([_base36(int(ticket_id, 36) + 1), *rest]) + ":" + signed


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature altered
        _other_ticket_same_signature,
        lambda token: "nonsense",
    ],
)
def test_only_a_valid_link_of_that_ticket_rates(resolved, mangle):
    token = mangle(ticket_portal_token(resolved))
    path = reverse("portal:rate", kwargs={"token": token, "rating": "good"})
    client = Client()
    assert client.get(path).status_code == 404
    assert client.post(path, {"rating": "good"}).status_code == 404
    _nothing_recorded(resolved)


def test_a_link_rates_its_own_ticket_only(resolved, mailbox):
    other = _ticket(mailbox, "otro@cliente.es")
    ticket_resolve(ticket=other, actor=None, note="Hecho.")
    Client().post(_mailed_paths(resolved)["good"], {"rating": "good"})
    assert SatisfactionRating.objects.get().ticket_id == resolved.pk
    _nothing_recorded(other)


def test_a_revoked_link_no_longer_rates(resolved):
    path = _mailed_paths(resolved)["good"]
    ticket_portal_links_revoke(ticket=resolved, actor="ana")
    client = Client()
    assert client.get(path).status_code == 404
    assert client.post(path, {"rating": "good"}).status_code == 404
    _nothing_recorded(resolved)


def test_an_unknown_value_in_the_link_is_not_a_page(resolved):
    token = ticket_portal_token(resolved)
    path = reverse("portal:rate", kwargs={"token": token, "rating": "excellent"})
    assert Client().get(path).status_code == 404


def test_a_ticket_not_solved_yet_offers_no_form(ticket):
    path = reverse("portal:rate", kwargs={"token": ticket_portal_token(ticket), "rating": "good"})
    client = Client()
    page = client.get(path).content.decode()
    assert "aún no está resuelta" in page
    assert 'name="rating"' not in page
    assert client.post(path, {"rating": "good"}).status_code == 400
    _nothing_recorded(ticket)


def test_the_page_speaks_the_customers_language(resolved):
    resolved.customer.language = "en"
    resolved.customer.save(update_fields=["language"])
    page = Client(HTTP_ACCEPT_LANGUAGE="es").get(_mailed_paths(resolved)["good"]).content.decode()
    assert "Was this solved well?" in page


def test_english_page(resolved):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    page = client.get(_mailed_paths(resolved)["good"]).content.decode()
    assert "Was this solved well?" in page
    assert "Send my rating" in page


def test_the_workspace_ticket_page_shows_the_rating(resolved, client):
    ticket_rate(ticket=resolved, rating="bad", comment="Tardó demasiado.")
    agent = agent_create(
        username="sup", email="sup@empresa.es", password="secret-pass-123", role="admin", teams=()
    )
    client.force_login(agent)
    page = client.get(reverse("workspace:ticket", args=[resolved.number])).content.decode()
    side = page.split('class="satisfaction"', 1)[1]
    assert "Valoración del cliente" in side
    assert "Mala" in side
    assert "Tardó demasiado." in side
    history = page.split('class="card history"', 1)[1]
    assert "El cliente valoró la solución como mala, con un comentario" in history


def test_no_rating_no_panel(resolved, client):
    agent = agent_create(
        username="sup", email="sup@empresa.es", password="secret-pass-123", role="admin", teams=()
    )
    client.force_login(agent)
    page = client.get(reverse("workspace:ticket", args=[resolved.number])).content.decode()
    assert 'class="satisfaction"' not in page
    assert timezone.now() - resolved.resolved_at < timedelta(minutes=5)
