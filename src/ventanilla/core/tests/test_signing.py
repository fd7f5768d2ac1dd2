"""Signed Message-IDs: round trip, forgery and tampering; ids bound to their recipient."""

from __future__ import annotations

from ventanilla.core.signing import (
    make_message_id,
    make_plain_message_id,
    make_recipient_message_id,
    normalise_address,
    ticket_number_for_recipient,
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


# --- Recipient-bound ids (notifications an agent may answer by mail) ------------------------


def test_recipient_bound_id_threads_like_a_ticket_token():
    mid = make_recipient_message_id(
        ticket_number="SOP-2026-00042", recipient="ana@empresa.es", domain="empresa.es"
    )
    assert mid.endswith("@empresa.es")
    assert ".r" in mid
    assert ticket_number_from_message_id(mid) == "SOP-2026-00042"
    assert ticket_number_from_message_id(f"<{mid}>") == "SOP-2026-00042"


def test_recipient_bound_id_names_only_its_recipient():
    mid = make_recipient_message_id(
        ticket_number="SOP-2026-00042", recipient="Ana@Empresa.ES", domain="empresa.es"
    )
    assert ticket_number_for_recipient(mid, "ana@empresa.es") == "SOP-2026-00042"
    assert ticket_number_for_recipient(f"<{mid}>", "ANA@empresa.es.") == "SOP-2026-00042"
    assert ticket_number_for_recipient(mid, "bob@empresa.es") is None
    assert ticket_number_for_recipient(mid, "ana@empresa.es.evil.com") is None
    assert ticket_number_for_recipient(mid, "") is None


def test_a_plain_ticket_token_is_bound_to_nobody():
    # What a customer holds: the Message-ID of his acknowledgement.
    mid = make_message_id(ticket_number="SOP-2026-00042", domain="empresa.es")
    assert ticket_number_for_recipient(mid, "ana@empresa.es") is None


def test_recipient_binding_cannot_be_moved_or_forged():
    mid = make_recipient_message_id(
        ticket_number="SOP-2026-00042", recipient="ana@empresa.es", domain="empresa.es"
    )
    number, nonce, sig, rest = mid.split(".", 3)
    recipient_sig, domain = rest.split("@")
    # Another ticket number with the same signatures.
    other = mid.replace("SOP-2026-00042", "SOP-2026-00043")
    assert ticket_number_for_recipient(other, "ana@empresa.es") is None
    # The ticket signature in place of the recipient one (and vice versa).
    assert (
        ticket_number_for_recipient(f"{number}.{nonce}.{sig}.r{sig}@{domain}", "ana@empresa.es")
        is None
    )
    swapped = f"{number}.{nonce}.{recipient_sig[1:]}.r{sig}@{domain}"
    assert ticket_number_for_recipient(swapped, "ana@empresa.es") is None
    # A customer's own acknowledgement id with a made-up recipient part.
    ack = make_message_id(ticket_number="SOP-2026-00042", domain="empresa.es")
    local, domain = ack.split("@")
    assert ticket_number_for_recipient(f"{local}.r{'0' * 16}@{domain}", "ana@empresa.es") is None


def test_recipient_ids_are_unique():
    ids = {
        make_recipient_message_id(ticket_number="SOP-2026-00001", recipient="a@e.es", domain="e.es")
        for _ in range(200)
    }
    assert len(ids) == 200


def test_normalise_address():
    assert normalise_address(" <Ana@Empresa.ES.> ") == "ana@empresa.es"
    assert normalise_address("josé@correo.españa.es") == "josé@correo.xn--espaa-rta.es"


def test_ids_signed_before_a_key_rotation_still_verify(settings):
    old_key = settings.SECRET_KEY
    ticket_mid = make_message_id(ticket_number="SOP-2026-00042", domain="empresa.es")
    agent_mid = make_recipient_message_id(
        ticket_number="SOP-2026-00042", recipient="ana@empresa.es", domain="empresa.es"
    )
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert ticket_number_from_message_id(ticket_mid) is None  # retired key, not trusted
    assert ticket_number_for_recipient(agent_mid, "ana@empresa.es") is None
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert ticket_number_from_message_id(ticket_mid) == "SOP-2026-00042"
    assert ticket_number_for_recipient(agent_mid, "ana@empresa.es") == "SOP-2026-00042"
    assert ticket_number_for_recipient(agent_mid, "tom@empresa.es") is None
    # New ids use the current key only.
    new_mid = make_message_id(ticket_number="SOP-2026-00043", domain="empresa.es")
    settings.SECRET_KEY_FALLBACKS = []
    assert ticket_number_from_message_id(new_mid) == "SOP-2026-00043"
