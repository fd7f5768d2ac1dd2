"""Mail set aside as a duplicate by its Message-ID alone, though its content differs, goes to quarantine.

Before content fingerprints, a second mail with a known Message-ID and sender was recorded
as a duplicate whatever it said, and its text never reached the ticket. Those rows (their
fingerprints were filled in by 0006) are moved to quarantine with an explanation, so an
admin sees them and ``ventanilla mail reprocess`` adds each to its ticket. Nothing is
processed here: reprocessing may mail the customer, which is the admin's decision.
Backward: nothing to undo (the rows keep their bytes; a reprocessed one is an article).
"""

from django.db import migrations

EXPLANATION = (
    "Recorded as a duplicate by its Message-ID alone, but its content differs from every "
    "earlier copy: reprocess it (ventanilla mail reprocess ID) to add its text to the ticket."
)


def quarantine_misjudged(apps, schema_editor):
    InboundMessage = apps.get_model("mail", "InboundMessage")
    done = ["processed", "ignored", "duplicate"]
    misjudged = []
    rows = (
        InboundMessage.objects.filter(state="duplicate")
        .exclude(content_sha256="")
        .values_list("pk", "message_id", "sender", "content_sha256")
    )
    for pk, message_id, sender, fingerprint in rows.iterator():
        earlier = InboundMessage.objects.filter(
            message_id=message_id, sender=sender, state__in=done, pk__lt=pk
        )
        if not earlier.filter(content_sha256=fingerprint).exists():
            misjudged.append(pk)
    for start in range(0, len(misjudged), 500):  # SQLite bounds the variables of one query
        InboundMessage.objects.filter(pk__in=misjudged[start : start + 500]).update(
            state="quarantined", error=EXPLANATION
        )


class Migration(migrations.Migration):

    dependencies = [
        ("mail", "0007_outbound_leased_until"),
    ]

    operations = [
        migrations.RunPython(quarantine_misjudged, migrations.RunPython.noop),
    ]
