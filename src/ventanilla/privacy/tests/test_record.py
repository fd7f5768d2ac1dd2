"""The full record on the ticket page: audit sentences, every mail in and out with its state."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from ventanilla.mail.models import OutboundMessage, OutboundState


def test_ticket_page_shows_every_mail_with_its_delivery_state(client, history, make_agent):
    OutboundMessage.objects.filter(ticket=history.lucia, kind="reply").update(
        state=OutboundState.FAILED, attempts=5, last_error="550 5.1.1 mailbox unknown"
    )
    adan = make_agent("adan", role="admin")
    adan.agent.language = "en"
    adan.agent.save()
    client.force_login(adan)
    with translation.override("en"):
        page = client.get(reverse("workspace:ticket", args=[history.lucia.number]))
    assert page.status_code == 200
    record = page.context["mail_record"]
    assert record[0].incoming is True
    assert record == sorted(record, key=lambda m: m.at)
    (reply,) = [m for m in record if not m.incoming and m.error]
    assert (reply.attempts, reply.error) == (5, "550 5.1.1 mailbox unknown")
    outgoing = {str(m.kind) for m in record if not m.incoming}
    assert {"reply", "resolution notice"} <= outgoing
    html = page.content.decode()
    assert "550 5.1.1 mailbox unknown" in html
    texts = [h.text for h in page.context["history"]]
    assert any("rated the solution" in t for t in texts)
    assert any("Reply sent" in t for t in texts)
