"""huey task: compute embeddings after the transaction that changed their text committed."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from ventanilla.suggest import services


@db_task(retries=2, retry_delay=30)
def embeddings_compute(kind: str, ids: list[int]) -> int:
    """Refresh the vectors of ``ids`` (one batch per committed transaction)."""
    return services.embeddings_refresh(kind=kind, ids=ids)
