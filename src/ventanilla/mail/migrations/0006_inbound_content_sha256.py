"""Content fingerprints for inbound mail, so duplicates are told apart from reused Message-IDs.

Forward: the column, then the fingerprint of every stored message that the deduplicate
step can compare against (one with a Message-ID, processed, ignored or a duplicate), read
in batches. Backward: the column goes; nothing else changed.
"""

from django.db import migrations, models

from ventanilla.parse.fingerprint import content_fingerprint

BATCH = 500


def fill_fingerprints(apps, schema_editor):
    InboundMessage = apps.get_model("mail", "InboundMessage")
    todo = (
        InboundMessage.objects.filter(
            content_sha256="", state__in=["processed", "ignored", "duplicate"]
        )
        .exclude(message_id="")
        .order_by("pk")
    )
    last = 0
    while True:
        rows = list(todo.filter(pk__gt=last).values_list("pk", "raw")[:BATCH])
        if not rows:
            return
        for pk, raw in rows:
            InboundMessage.objects.filter(pk=pk).update(
                content_sha256=content_fingerprint(bytes(raw))
            )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0005_mailbox_agent_mail_check"),
    ]

    operations = [
        migrations.AddField(
            model_name="inboundmessage",
            name="content_sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(fill_fingerprints, migrations.RunPython.noop),
    ]
