"""The Dovecot fixture itself: LMTP delivery lands in IMAP, users are isolated."""

from __future__ import annotations


def test_lmtp_delivery_is_visible_over_imap(dovecot, imap_user, make_mail):
    dovecot.deliver(imap_user, make_mail(subject="Hola Dovecot"))
    with dovecot.imap(imap_user) as client:
        uids = client.search("ALL")
        fetched = client.fetch(uids, ["BODY.PEEK[]"])
    assert len(uids) == 1
    assert b"Subject: Hola Dovecot" in fetched[uids[0]][b"BODY[]"]


def test_each_user_starts_empty(dovecot, imap_user):
    other = dovecot.add_user()
    dovecot.deliver(other, b"From: a@example.org\r\nSubject: x\r\n\r\nbody\r\n")
    with dovecot.imap(imap_user) as client:
        assert client.search("ALL") == []
    with dovecot.imap(other) as client:
        assert len(client.search("ALL")) == 1
