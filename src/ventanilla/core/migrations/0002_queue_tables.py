"""huey's queue tables on PostgreSQL (``VENTANILLA_QUEUE=postgres``), made by the migrations.

huey would create them when it starts, which means a database connection at import time in
every process (a ``migrate`` of an empty database included); so settings pass
``create_tables=False`` and the tables come from here, with huey's own DDL. On SQLite they
are not needed: the embedded queue is its own file.
"""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from huey.storage import PostgresStorage


def create_queue_tables(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Run huey's CREATE ... IF NOT EXISTS statements in this database."""
    if schema_editor.connection.vendor != "postgresql":
        return
    storage = PostgresStorage(name="ventanilla", create_tables=False)
    for statement in storage.ddl:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    """Create the queue's tables (kept on reversal: huey owns their rows)."""

    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_queue_tables, migrations.RunPython.noop)]
