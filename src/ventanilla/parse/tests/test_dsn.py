"""``dsn.classify``: standard DSNs (RFC 3464) and other ``multipart/report`` kinds."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from ventanilla.parse.dsn import classify, is_hard
from ventanilla.parse.tests.bounces import build_dsn, parse


def test_failed_dsn_reads_fields_and_original_ids():
    report = classify(parse(build_dsn()))
    assert report is not None
    assert report.is_failure
    assert report.permanent
    assert report.recipients == ("nadie@cliente.es",)
    assert report.status == "5.1.1"
    assert "Recipient address rejected" in report.diagnostic
    # Own Message-ID first, then In-Reply-To, then References newest first.
    assert report.original_message_ids == (
        "SOP-orig@empresa.es",
        "cust-1@cliente.es",
        "cust-0@cliente.es",
    )
    assert is_hard(permanent=report.permanent, status=report.status, diagnostic=report.diagnostic)


def test_original_recipient_is_preferred_and_lowercased():
    raw = build_dsn(recipient="alias@mx.cliente.es", original_recipient="Ana@Cliente.ES")
    report = classify(parse(raw))
    assert report is not None
    assert report.recipients == ("ana@cliente.es",)


def test_original_as_message_rfc822():
    report = classify(parse(build_dsn(as_rfc822=True, original_id="<x1@empresa.es>")))
    assert report is not None
    assert report.original_message_ids[0] == "x1@empresa.es"


@pytest.mark.parametrize(
    ("action", "status", "failure", "permanent"),
    [
        ("delayed", "4.4.7", True, False),
        ("failed", "5.2.2", True, True),
        ("failure", "5.0.0", True, True),  # non-standard spelling seen in the wild
        ("delivered", "2.0.0", False, False),
        ("relayed", "2.0.0", False, False),
        ("deliverable", "2.1.5", False, False),
        ("", "4.2.2", True, False),  # no Action: judged by the status class
    ],
    ids=["delayed", "failed", "failure", "delivered", "relayed", "deliverable", "no-action"],
)
def test_dsn_actions(action, status, failure, permanent):
    report = classify(parse(build_dsn(action=action, status=status)))
    assert report is not None
    assert report.report_type == "delivery-status"
    assert report.is_failure is failure
    assert report.permanent is permanent


def test_soft_permanent_failure_is_not_hard():
    report = classify(parse(build_dsn(status="5.2.2")))
    assert report is not None
    assert report.permanent
    assert report.diagnostic
    # A full mailbox fails for now, but the address itself is fine.
    assert not is_hard(permanent=True, status="5.2.2", diagnostic="552 mailbox full")
    assert is_hard(permanent=True, status="5.0.0", diagnostic="550 No such user here")
    assert not is_hard(permanent=False, status="4.1.1", diagnostic="user unknown")


MIXED = (b'multipart/report; report-type="delivery-status"', b"multipart/mixed")


@pytest.mark.parametrize(
    "swaps",
    [
        [(b"multipart/report;", b"Multipart/REPORT (dsn);\n\t")],
        [MIXED],
        [MIXED, (b"message/delivery-status", b"Message/Delivery-Status")],
        [MIXED, (b"message/delivery-status", b"message/global-delivery-status")],
    ],
    ids=["folded-comment-uppercase", "status-part-in-mixed", "uppercase-part", "global-dsn"],
)
def test_report_content_types_read_in_any_spelling(swaps):
    # The raw Content-Type pre-check must let every spelling through to the real parse.
    raw = build_dsn()
    for old, new in swaps:
        assert old in raw
        raw = raw.replace(old, new, 1)
    report = classify(parse(raw))
    assert report is not None
    assert report.report_type == "delivery-status"
    assert report.recipients == ("nadie@cliente.es",)


def test_report_word_in_a_boundary_is_still_ordinary_mail():
    msg = EmailMessage()
    msg["From"] = "Lucía <lucia@cliente.es>"
    msg["Subject"] = "Informe mensual"
    msg.set_content("Adjunto el informe.")
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="report.pdf")
    msg.set_boundary("report-delivery-status-b1")
    assert classify(parse(msg.as_bytes())) is None


@pytest.mark.parametrize(
    "report_type",
    ["feedback-report", "disposition-notification"],
    ids=["arf", "mdn"],
)
def test_other_reports_are_not_failures(report_type):
    report = classify(parse(build_dsn(report_type=report_type)))
    assert report is not None
    assert report.report_type == report_type
    assert not report.is_failure
