"""The Ventanilla side of the outbox-kill test, run as a separate process in a scratch home.

``python -m tests.faults.outbox_script mail`` stores one customer mail through ``ingest_raw``
(its processing goes to the real SqliteHuey queue; the worker then opens the ticket and
sends the acknowledgement through the relay named by ``VENTANILLA_SMTP_*``); ``report``
prints the outbox rows as JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys

from conftest import build_mail

MAILBOX = "soporte@empresa.es"


def mail() -> None:
    """Create the mailbox if needed and store one customer mail (processed by the worker)."""
    from ventanilla.intake.ingest import ingest_raw
    from ventanilla.mail.models import Mailbox
    from ventanilla.mail.services import mailbox_create

    if not Mailbox.objects.exists():
        mailbox_create(name="Soporte", address=MAILBOX, prefix="SOP")
    raw = build_mail(subject="El pedido 1234 no ha llegado")
    print(ingest_raw(raw, source="smtp", envelope_to=[MAILBOX]).inbound.pk)


def report() -> None:
    """Print every outbox row: state, attempts, Message-ID and the sha256 of its bytes."""
    from ventanilla.mail.models import OutboundMessage

    rows = [
        {
            "id": row.pk,
            "state": row.state,
            "attempts": row.attempts,
            "message_id": row.message_id,
            "sha256": hashlib.sha256(bytes(row.raw)).hexdigest(),
            "leased": row.leased_until is not None,
        }
        for row in OutboundMessage.objects.order_by("pk")
    ]
    json.dump(rows, sys.stdout)


def main() -> None:
    """Parse the command line and run ``mail`` or ``report``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["mail", "report"])
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ventanilla.settings")
    import django

    django.setup()
    if args.action == "mail":
        mail()
    else:
        report()


if __name__ == "__main__":
    main()
