"""Signed Message-IDs: round trip, forgery and tampering."""

from __future__ import annotations

from ventanilla.core.signing import (
    make_message_id,
    make_plain_message_id,
    ticket_number_from_message_id,
)


def test_round_trip_with_and_without_brackets():
    mid = make_message_id(ticket_number="SOP-2026-00042", domain="empresa.es")
    assert mid.endswith("@empresa.es")
    assert ticket_number_from_message_id(mid) == "SOP-2026-00042"
    assert ticket_number_from_message_id(f"<{mid}>") == "SOP-2026-00042"


def test_ids_are_unique():
    ids = {make_message_id(ticket_number="SOP-2026-00001", domain="e.es") for _ in range(200)}
    assert len(ids) == 200


def test_forged_number_is_rejected():
    mid = make_message_id(ticket_number="SOP-2026-00042", domain="empresa.es")
    forged = mid.replace("SOP-2026-00042", "SOP-2026-00043")
    assert ticket_number_from_message_id(forged) is None


def test_tampered_signature_is_rejected():
    mid = make_message_id(ticket_number="SOP-2026-00042", domain="empresa.es")
    number, nonce, rest = mid.split(".", 2)
    sig, domain = rest.split("@")
    bad_sig = ("0" if sig[0] != "0" else "1") + sig[1:]
    assert ticket_number_from_message_id(f"{number}.{nonce}.{bad_sig}@{domain}") is None


def test_foreign_and_plain_ids_carry_no_ticket():
    assert ticket_number_from_message_id("CAF=abc123@mail.gmail.com") is None
    assert ticket_number_from_message_id(make_plain_message_id(domain="empresa.es")) is None
    assert ticket_number_from_message_id("") is None
