"""HTTP intake ``POST /intake/<mailbox>/`` and ``ventanilla mail token``.

Through Django's test client, plus one real HTTP request against ``live_server``.
"""

from __future__ import annotations

import hashlib
import io
import json
import urllib.error
import urllib.request
from contextlib import redirect_stdout

import pytest
from django.core.management import call_command
from django.db import connection

from ventanilla.mail.models import InboundMessage, Mailbox
from ventanilla.mail.services import mailbox_token_rotate

URL = "/intake/soporte@empresa.es/"


@pytest.fixture
def token(mailbox):
    """A fresh intake token for the demo mailbox."""
    return mailbox_token_rotate(mailbox=mailbox)


def _post(client, raw: bytes, token: str = "", *, url: str = URL, ctype="message/rfc822", **kw):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(url, data=raw, content_type=ctype, headers=headers, **kw)


@pytest.mark.django_db
def test_stores_and_answers_202_with_the_id(client, token, mailbox, make_mail):
    raw = make_mail()
    response = _post(client, raw, token)
    assert response.status_code == 202
    inbound = InboundMessage.objects.get()
    assert response.json() == {"id": inbound.pk, "duplicate": False}
    assert bytes(inbound.raw) == raw
    assert (inbound.source, inbound.envelope_to, inbound.mailbox) == (
        "http",
        ["soporte@empresa.es"],
        mailbox,
    )
    again = _post(client, raw, token)
    assert (again.status_code, again.json()) == (202, {"id": inbound.pk, "duplicate": True})
    assert InboundMessage.objects.count() == 1


@pytest.mark.django_db
def test_the_ticket_prefix_names_the_mailbox_too(client, token, make_mail):
    assert _post(client, make_mail(), token, url="/intake/sop/").status_code == 202


@pytest.mark.django_db
def test_only_the_hash_is_stored_and_rotation_revokes(client, token, mailbox, make_mail):
    mailbox.refresh_from_db()
    assert mailbox.intake_token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in mailbox.intake_token_sha256
    new = mailbox_token_rotate(mailbox=mailbox)
    assert new != token
    assert _post(client, make_mail(), token).status_code == 403
    assert _post(client, make_mail(), new).status_code == 202


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("authorization", "status"),
    [("", 401), ("Basic dXNlcjpwdw==", 401), ("Bearer ", 401), ("Bearer wrong", 403)],
)
def test_bad_credentials(client, token, make_mail, authorization, status):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post(URL, make_mail(), content_type="message/rfc822", headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response["WWW-Authenticate"] == "Bearer"
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db
def test_a_mailbox_without_a_token_refuses_every_token(client, mailbox, make_mail):
    assert _post(client, make_mail(), "0" * 64).status_code == 403
    assert _post(client, make_mail(), "x").status_code == 403


@pytest.mark.django_db
def test_a_token_of_another_mailbox_is_refused(client, token, make_mail):
    from ventanilla.mail.services import mailbox_create

    ventas = mailbox_create(name="Ventas", address="ventas@empresa.es", prefix="VEN")
    mailbox_token_rotate(mailbox=ventas)
    assert _post(client, make_mail(), token, url="/intake/ventas@empresa.es/").status_code == 403


@pytest.mark.django_db
def test_unknown_or_inactive_mailbox_is_404(client, token, mailbox, make_mail):
    assert _post(client, make_mail(), token, url="/intake/nadie@empresa.es/").status_code == 404
    Mailbox.objects.filter(pk=mailbox.pk).update(active=False)
    assert _post(client, make_mail(), token).status_code == 404


@pytest.mark.django_db
def test_wrong_type_is_415_and_empty_is_400(client, token, make_mail):
    assert _post(client, make_mail(), token, ctype="text/plain").status_code == 415
    assert _post(client, make_mail(), token, ctype="application/json").status_code == 415
    assert _post(client, make_mail(), token, ctype="message/rfc822; x=1").status_code == 202
    # (Django's test client drops the Content-Type of an empty body, so send blank lines.)
    assert _post(client, b"\r\n\r\n", token).status_code == 400
    assert InboundMessage.objects.count() == 1


@pytest.mark.django_db
def test_too_large_is_413(client, settings, token, mailbox, make_mail):
    raw = make_mail(body="x\n" * 3000)
    settings.VENTANILLA_MAX_MESSAGE_BYTES = len(raw) - 1
    assert _post(client, raw, token).status_code == 413
    settings.VENTANILLA_MAX_MESSAGE_BYTES = len(raw)
    Mailbox.objects.filter(pk=mailbox.pk).update(max_message_bytes=len(raw) // 2)
    assert _post(client, raw, token).status_code == 413
    Mailbox.objects.filter(pk=mailbox.pk).update(max_message_bytes=len(raw))
    # Bigger than Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not matter: we read the stream.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    assert _post(client, raw, token).status_code == 202


@pytest.mark.django_db
def test_only_post(client, token):
    assert client.get(URL).status_code == 405
    assert client.put(URL, b"x", content_type="message/rfc822").status_code == 405


@pytest.mark.django_db
def test_csrf_is_not_required(token, make_mail):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert _post(strict, make_mail(), token).status_code == 202


@pytest.mark.django_db(transaction=True)
def test_storage_failure_is_503_with_retry_after(client, token, make_mail):
    table = InboundMessage._meta.db_table
    quoted, away = connection.ops.quote_name(table), connection.ops.quote_name(f"{table}_away")
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {quoted} RENAME TO {away}")
    try:
        response = _post(client, make_mail(), token)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {away} RENAME TO {quoted}")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert not InboundMessage.objects.exists()
    assert _post(client, make_mail(), token).status_code == 202


@pytest.mark.django_db(transaction=True)
def test_real_http_request_against_the_live_server(live_server, token, make_mail):
    raw = make_mail()
    request = urllib.request.Request(
        f"{live_server.url}{URL}",
        data=raw,
        method="POST",
        headers={"Content-Type": "message/rfc822", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 202
        body = json.loads(response.read())
    assert body == {"id": InboundMessage.objects.get().pk, "duplicate": False}
    request.headers["Authorization"] = "Bearer nope"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403


@pytest.mark.django_db
def test_token_command_prints_a_token_once_and_stores_its_hash(mailbox):
    out = io.StringIO()
    with redirect_stdout(out):
        call_command("mail", "token", "soporte@empresa.es", stdout=out)
    printed = out.getvalue().strip()
    assert len(printed) >= 43  # token_urlsafe(32)
    mailbox.refresh_from_db()
    assert mailbox.intake_token_sha256 == hashlib.sha256(printed.encode()).hexdigest()


@pytest.mark.django_db
def test_a_body_the_wsgi_server_decoded_without_a_length_is_read(rf, token, make_mail):
    """gunicorn decodes a chunked body and passes no CONTENT_LENGTH, only an ending stream."""
    from ventanilla.intake.views import intake

    raw = make_mail()
    request = rf.generic("POST", URL)
    request.META.pop("CONTENT_LENGTH", None)
    request.META.update(
        {
            "CONTENT_TYPE": "message/rfc822",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "wsgi.input": io.BytesIO(raw),
            "wsgi.input_terminated": True,
        }
    )
    response = intake(request, key="soporte@empresa.es")
    assert response.status_code == 202
    assert bytes(InboundMessage.objects.get().raw) == raw
