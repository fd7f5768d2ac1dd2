"""Sign-in by mailed link: same answer for every address, single use, limits, sessions."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.portal import signin, signin_links
from ventanilla.portal.models import PortalSession, PortalSigninLink
from ventanilla.portal.sessions import IDLE_LIFETIME
from ventanilla.portal.tests.support import (
    ask_link,
    customer_make,
    mailed_token,
    signed_in_client,
    signin_mails,
)

pytestmark = pytest.mark.django_db


def _shape(response) -> tuple[int, str | None, bytes, list[str]]:
    """What an observer of the response sees: status, Location, body, cookies set."""
    return (
        response.status_code,
        response.headers.get("Location"),
        response.content,
        sorted(response.cookies.keys()),
    )


def test_known_and_unknown_addresses_get_identical_answers(mailbox):
    customer_make("lucia@cliente.es")
    known = ask_link(Client(), "lucia@cliente.es", ip="203.0.113.1")
    unknown = ask_link(Client(), "nadie@cliente.es", ip="203.0.113.2")
    assert _shape(known) == _shape(unknown)
    assert known.status_code == 303
    assert known.content == b""
    assert len(signin_mails("lucia@cliente.es")) == 1
    assert OutboundMessage.objects.filter(kind=OutboundKind.PORTAL_SIGNIN).count() == 1


def test_known_and_unknown_addresses_take_about_the_same_time(mailbox, monkeypatch):
    """With a real queue (not the tests' eager one) the page does the same work for both.

    The page counts the request and queues one task; the lookup and the mail happen in the
    worker. Medians over a few rounds: the known address may not cost visibly more.
    """
    from huey.contrib.djhuey import HUEY

    customer_make("lucia@cliente.es")
    monkeypatch.setattr(signin, "MAX_PER_ADDRESS", 100)
    HUEY.immediate = False
    try:
        timings: dict[str, list[float]] = {"known": [], "unknown": []}
        for round_ in range(8):
            for label, email in (("known", "lucia@cliente.es"), ("unknown", "nadie@cliente.es")):
                started = time.perf_counter()
                ask_link(Client(), email, ip=f"198.51.100.{round_}")
                timings[label].append(time.perf_counter() - started)
        assert HUEY.pending_count() == 16  # one task per request, known or not
        assert not signin_mails("lucia@cliente.es")  # nothing was looked up on the page
    finally:
        HUEY.flush()
        HUEY.immediate = True
    known = sorted(timings["known"])[4]
    unknown = sorted(timings["unknown"])[4]
    assert known < unknown * 1.5 + 0.005, (known, unknown)


def test_the_sign_in_mail_goes_through_the_outbox_automatic_and_localised(mailbox):
    customer_make("lucia@cliente.es")
    ask_link(Client(), "lucia@cliente.es")
    (row,) = signin_mails("lucia@cliente.es")
    raw = bytes(row.raw)
    assert row.ticket_id is None
    assert b"Auto-Submitted:" in raw
    assert "enlace" in row.subject.lower()  # the customer's language is Spanish
    link = PortalSigninLink.objects.get()
    token = mailed_token("lucia@cliente.es")
    assert token not in link.token_hash
    assert len(link.token_hash) == 64


def test_the_policy_refuses_robot_and_own_addresses(mailbox):
    customer_make("no-reply@cliente.es")
    customer_make("soporte@empresa.es")
    for email in ("no-reply@cliente.es", "soporte@empresa.es"):
        assert ask_link(Client(), email).status_code == 303
    assert not OutboundMessage.objects.filter(kind=OutboundKind.PORTAL_SIGNIN).exists()


def test_a_link_signs_in_once_only(mailbox):
    customer_make("lucia@cliente.es")
    ask_link(Client(), "lucia@cliente.es")
    token = mailed_token("lucia@cliente.es")
    first, second = Client(), Client()
    assert (
        first.get(f"/p/signin/{token}/").status_code == 200
    )  # a GET (a mail scanner) spends nothing
    assert first.post(f"/p/signin/{token}/").status_code == 303
    assert second.post(f"/p/signin/{token}/").status_code == 404
    assert second.get(f"/p/signin/{token}/").status_code == 404
    assert first.get("/p/requests/").status_code == 200
    assert second.get("/p/requests/").status_code == 302
    assert PortalSession.objects.count() == 1


def test_an_expired_or_unknown_link_does_not_sign_in(mailbox):
    customer_make("lucia@cliente.es")
    ask_link(Client(), "lucia@cliente.es")
    token = mailed_token("lucia@cliente.es")
    PortalSigninLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().post(f"/p/signin/{token}/").status_code == 404
    assert Client().post("/p/signin/not-a-token/").status_code == 404
    assert not PortalSession.objects.exists()


def test_opening_one_link_spends_the_customer_older_links(mailbox):
    customer_make("lucia@cliente.es")
    ask_link(Client(), "lucia@cliente.es")
    older = mailed_token("lucia@cliente.es")
    ask_link(Client(), "lucia@cliente.es")
    newer = mailed_token("lucia@cliente.es")
    assert Client().post(f"/p/signin/{newer}/").status_code == 303
    assert Client().post(f"/p/signin/{older}/").status_code == 404


def test_rate_limit_per_address_holds_for_known_and_unknown_alike(mailbox):
    customer_make("lucia@cliente.es")
    for email in ("lucia@cliente.es", "nadie@cliente.es"):
        answers = [
            ask_link(Client(), email, ip=f"192.0.2.{n}").status_code
            for n in range(signin.MAX_PER_ADDRESS + 2)
        ]
        assert answers == [303] * signin.MAX_PER_ADDRESS + [429, 429]
    assert len(signin_mails("lucia@cliente.es")) == signin.MAX_PER_ADDRESS


def test_rate_limit_per_client_address(mailbox):
    answers = [
        ask_link(Client(), f"persona{n}@cliente.es", ip="192.0.2.50").status_code
        for n in range(signin.MAX_PER_IP + 1)
    ]
    assert answers[-1] == 429
    assert set(answers[:-1]) == {303}
    assert ask_link(Client(), "otra@cliente.es", ip="192.0.2.51").status_code == 303


def test_the_limits_open_again_after_the_window(mailbox):
    for n in range(signin.MAX_PER_ADDRESS):
        ask_link(Client(), "nadie@cliente.es", ip=f"192.0.2.{n}")
    assert ask_link(Client(), "nadie@cliente.es").status_code == 429
    from ventanilla.portal.models import PortalSigninRequest

    PortalSigninRequest.objects.update(created_at=timezone.now() - signin.WINDOW)
    assert ask_link(Client(), "nadie@cliente.es").status_code == 303


def test_a_customer_session_is_no_workspace_login(mailbox):
    customer_make("lucia@cliente.es")
    client = signed_in_client("lucia@cliente.es")
    assert "sessionid" not in client.cookies  # no Django session, no request.user
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_sign_out_ends_only_this_session(mailbox):
    customer_make("lucia@cliente.es")
    phone = signed_in_client("lucia@cliente.es")
    laptop = signed_in_client("lucia@cliente.es")
    assert phone.post("/p/signout/").status_code == 303
    assert phone.get("/p/requests/").status_code == 302
    assert laptop.get("/p/requests/").status_code == 200


def test_sign_out_everywhere_ends_every_session_of_the_customer(mailbox):
    customer_make("lucia@cliente.es")
    customer_make("otro@cliente.es")
    phone = signed_in_client("lucia@cliente.es")
    laptop = signed_in_client("lucia@cliente.es")
    other = signed_in_client("otro@cliente.es")
    assert phone.post("/p/signout/", {"everywhere": "1"}).status_code == 303
    assert phone.get("/p/requests/").status_code == 302
    assert laptop.get("/p/requests/").status_code == 302
    assert other.get("/p/requests/").status_code == 200


def test_an_idle_session_ends(mailbox):
    customer_make("lucia@cliente.es")
    client = signed_in_client("lucia@cliente.es")
    PortalSession.objects.update(last_seen_at=timezone.now() - IDLE_LIFETIME)
    assert client.get("/p/requests/").status_code == 302


def test_a_forged_cookie_opens_nothing(mailbox):
    customer_make("lucia@cliente.es")
    signed_in_client("lucia@cliente.es")
    client = Client()
    client.cookies["ventanilla_portal"] = "anything:forged"
    assert client.get("/p/requests/").status_code == 302


def test_sign_in_and_sign_out_need_csrf(mailbox):
    customer_make("lucia@cliente.es")
    client = Client(enforce_csrf_checks=True)
    assert client.post("/p/signin/", {"email": "lucia@cliente.es"}).status_code == 403
    assert client.post("/p/signout/").status_code == 403
    assert not signin_mails("lucia@cliente.es")


def test_pages_carry_the_strict_policy_and_speak_english(mailbox):
    response = Client().get("/p/signin/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert b"<script" not in response.content
    assert b"style=" not in response.content
    assert b"Send me a sign-in link" in response.content
    spanish = Client().get("/p/signin/", HTTP_ACCEPT_LANGUAGE="es")
    assert "Envíame".encode() in spanish.content


def test_the_front_page_offers_the_sign_in_form_and_the_help_search(mailbox):
    page = Client().get("/p/", HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    assert b'action="/p/signin/"' in page.content
    assert b'action="/p/kb/"' in page.content
    assert "¿En qué podemos ayudarle?".encode() in page.content


def test_the_ticket_page_button_asks_for_a_link_like_the_form(mailbox):
    """The partial a ticket page includes posts the customer's address to the same form."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    customer_make("lucia@cliente.es")
    request = RequestFactory().get("/p/t/x/")
    request.user = AnonymousUser()
    html = render_to_string(
        "portal/partials/signin_button.html", {"signin_email": "lucia@cliente.es"}, request=request
    )
    assert 'action="/p/signin/"' in html
    assert 'value="lucia@cliente.es"' in html
    assert ask_link(Client(), "lucia@cliente.es").status_code == 303
    assert len(signin_mails("lucia@cliente.es")) == 1


def test_an_agents_workspace_login_opens_no_portal_session(mailbox, make_agent):
    make_agent("ana", email="lucia@cliente.es")
    client = Client()
    client.login(username="ana", password="secret-pass-123")
    assert client.get("/p/requests/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_one_link_used_twice_at_once_opens_one_session(mailbox):
    """The check and the mark are one UPDATE: of two concurrent redemptions one wins."""
    import threading

    from django.db import connection

    customer = customer_make("lucia@cliente.es")
    signin_links.portal_signin_link_send(customer=customer)
    token = mailed_token("lucia@cliente.es")
    barrier = threading.Barrier(2)
    results: list[object] = []

    def redeem() -> None:
        barrier.wait()
        try:
            results.append(signin_links.portal_signin_link_redeem(token=token))
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(result is not None for result in results) == [False, True]
