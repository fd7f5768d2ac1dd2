"""The outbox lease: set while a worker sends a row, renewed by its heartbeat (``outbound/lease.py``)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("mail", "0006_inbound_content_sha256"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundmessage",
            name="leased_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
