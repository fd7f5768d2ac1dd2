"""Inline ``cid:`` images of a mail body: rewritten to the attachment view, same permissions."""

from __future__ import annotations

import html
import struct
import zlib

import pytest
from django.urls import reverse

from ventanilla.tickets.blobs import blob_put
from ventanilla.tickets.models import Article, Attachment
from ventanilla.workspace.inline import cid_of_url, content_id_key


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    """A real (red) PNG, built by hand: the browser test checks that it decodes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\0" + b"\xff\0\0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("cid:part1.06090408.01060107@example.es", "part1.06090408.01060107@example.es"),
        ("CID:logo@x", "logo@x"),  # RFC 3986 §3.1: schemes are case-insensitive
        ("cid:foo4%25foo1@bar.net", "foo4%foo1@bar.net"),  # RFC 2392 §2's own example
        ("cid:%3Clogo@x%3E", "logo@x"),  # brackets, %-encoded
        ("cid:<logo@x>", "logo@x"),  # brackets, as some clients write them
        ("https://x.example/a.png", None),
        ("cid:", None),
    ],
)
def test_cid_url_forms(url, expected):
    assert cid_of_url(url) == expected


def test_content_id_header_forms():
    assert content_id_key(" <logo@x> ") == "logo@x"
    assert content_id_key("logo@x") == "logo@x"


@pytest.fixture
def ana(client, people):
    client.force_login(people["agent"])
    return client


def _with_inline_image(ticket, *, content_id: str, src: str, content_type: str = "image/png"):
    article = ticket.articles.get()
    article.html = f'<p>Logo:</p><img src="{src}" alt="logo"><p>fin</p>'
    article.save(update_fields=["html"])
    payload = tiny_png()
    return Attachment.objects.create(
        article=article,
        filename="logo.png",
        content_type=content_type,
        size=len(payload),
        sha256=blob_put(payload),
        content_id=content_id,
        inline=True,
    )


def _frame(page: str) -> tuple[str, str]:
    """Return (the iframe's opening tag, its decoded srcdoc) of the first mail frame."""
    tag = page.split("<iframe", 1)[1].split(">", 1)[0]
    srcdoc = html.unescape(page.split('srcdoc="', 1)[1].split('"></iframe>', 1)[0])
    return tag, srcdoc


@pytest.mark.parametrize(
    ("content_id", "src"),
    [
        ("image001.png@01DA2B3C.4D5E6F70", "cid:image001.png@01DA2B3C.4D5E6F70"),
        ("image001.png@01DA2B3C.4D5E6F70", "CID:IMAGE001.PNG@01da2b3c.4d5e6f70"),
        ("foo4%foo1@bar.net", "cid:foo4%25foo1@bar.net"),
        ("logo@x", "cid:%3Clogo@x%3E"),
        ("<logo@x>", "cid:logo@x"),  # an id stored with its brackets
    ],
)
def test_cid_image_points_at_the_attachment_view(ana, teams, make_ticket, content_id, src):
    ticket = make_ticket(team=teams[0])
    attachment = _with_inline_image(ticket, content_id=content_id, src=src)
    page = ana.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    tag, srcdoc = _frame(page)
    url = reverse("workspace:attachment", args=[ticket.number, attachment.pk])
    assert f'<img src="{url}?inline=1" alt="logo">' in srcdoc
    assert "cid:" not in srcdoc.lower()
    # Exactly this ticket's attachments, not the whole site, not cid:.
    prefix = f"http://testserver/t/{ticket.number}/attachments/"
    assert f'img-src data: {prefix}"' in srcdoc
    # The session cookie (SameSite=Lax) only reaches the view from a same-origin frame.
    assert 'sandbox="allow-same-origin"' in tag
    assert "allow-scripts" not in tag


def test_unknown_cid_stays_blocked_and_frame_stays_opaque(ana, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    _with_inline_image(ticket, content_id="logo@x", src="cid:other@x")
    tag, srcdoc = _frame(
        ana.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    )
    assert 'src="cid:other@x"' in srcdoc
    assert "attachments/" not in srcdoc
    assert "allow-" not in tag


def test_cid_image_of_another_article_is_not_used(ana, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    other = Article.objects.create(ticket=ticket, direction="in", kind="mail", text="x")
    payload = tiny_png()
    Attachment.objects.create(
        article=other,
        filename="logo.png",
        content_type="image/png",
        size=len(payload),
        sha256=blob_put(payload),
        content_id="logo@x",
    )
    article = ticket.articles.order_by("id").first()
    article.html = '<img src="cid:logo@x" alt="logo">'
    article.save(update_fields=["html"])
    _, srcdoc = _frame(ana.get(reverse("workspace:ticket", args=[ticket.number])).content.decode())
    assert 'src="cid:logo@x"' in srcdoc


def test_remote_images_view_keeps_inline_images(ana, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    attachment = _with_inline_image(ticket, content_id="logo@x", src="cid:logo@x")
    url = reverse("workspace:article-body", args=[ticket.number, attachment.article_id])
    _tag, srcdoc = _frame(ana.get(url + "?images=1").content.decode())
    assert f'src="/t/{ticket.number}/attachments/{attachment.pk}/?inline=1"' in srcdoc
    assert f"img-src https: http: data: http://testserver/t/{ticket.number}/attachments/" in srcdoc


def test_inline_download_serves_the_image_with_its_type(ana, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    attachment = _with_inline_image(ticket, content_id="logo@x", src="cid:logo@x")
    url = reverse("workspace:attachment", args=[ticket.number, attachment.pk])
    response = ana.get(url + "?inline=1")
    assert response.status_code == 200
    assert response.content == tiny_png()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_inline_never_serves_active_content_inline(ana, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    attachment = _with_inline_image(
        ticket, content_id="logo@x", src="cid:logo@x", content_type="image/svg+xml"
    )
    url = reverse("workspace:attachment", args=[ticket.number, attachment.pk])
    response = ana.get(url + "?inline=1")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("who", ["other", None])
def test_inline_image_needs_access_to_the_ticket(client, people, teams, make_ticket, who):
    ticket = make_ticket(team=teams[0])
    attachment = _with_inline_image(ticket, content_id="logo@x", src="cid:logo@x")
    if who:
        client.force_login(people[who])
    url = reverse("workspace:attachment", args=[ticket.number, attachment.pk]) + "?inline=1"
    response = client.get(url)
    assert response.status_code in (302, 404)
    assert response.content != tiny_png()
    if who:
        assert response.status_code == 404


def test_same_origin_frame_keeps_images_on_our_own_host_blocked(ana, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    attachment = _with_inline_image(ticket, content_id="logo@x", src="cid:logo@x")
    article = attachment.article
    article.html += (
        '<img data-remote-src="http://testserver/admin/" alt="own">'
        '<img data-remote-src="https://cdn.example/a.png" alt="remote">'
    )
    article.save(update_fields=["html"])
    url = reverse("workspace:article-body", args=[ticket.number, article.pk])
    _tag, srcdoc = _frame(ana.get(url + "?images=1").content.decode())
    # The frame carries the agent's session: our own URLs must not be fetched from mail.
    assert 'data-remote-src="http://testserver/admin/"' in srcdoc
    assert '<img src="https://cdn.example/a.png"' in srcdoc
