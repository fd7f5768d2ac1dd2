"""The import's bookkeeping: a deferred message goes back to ``received`` for the next pass.

A message deferred by the import pipeline (its parent may come later in the archive) is
sent back to ``received``. The tickets' final dates and status need no bookkeeping: the
import pipeline's ``imported-history`` step gives them as each mail is written
(``tickets.services.ticket_history_settle``). ``HISTORY_STATUSES`` is re-exported for
the ``mail import --status`` choices.
"""

from __future__ import annotations

from django.db import transaction

from ventanilla.mail.models import InboundMessage, InboundSource, InboundState
from ventanilla.tickets.services import HISTORY_STATUSES

__all__ = ["HISTORY_STATUSES", "inbound_import_requeue"]


@transaction.atomic
def inbound_import_requeue(*, inbound_id: int) -> bool:
    """Send a deferred imported message back to ``received``; False if it is not deferred."""
    updated = InboundMessage.objects.filter(
        pk=inbound_id, source=InboundSource.IMPORT, state=InboundState.IGNORED
    ).update(state=InboundState.RECEIVED, reasons=[])
    return updated == 1
