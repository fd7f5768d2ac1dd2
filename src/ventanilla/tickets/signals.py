"""Signals tickets sends for listeners above it (search, reports, webhooks).

``ticket_changed`` (keyword ``ticket_id``) is sent after a write that bypasses ``save()``,
such as a merge moving articles with ``QuerySet.update``; it is sent inside the transaction.

``events_recorded`` (keyword ``events``: a list of saved ``TicketEvent`` rows) is sent for
every audit row written, one by one or in bulk, inside the transaction that wrote them; so a
listener that writes its own rows (report rollups, the webhook outbox) commits or rolls back
with the change itself. Writers that insert events in bulk must send it once for the batch.
"""

from django.dispatch import Signal

ticket_changed = Signal()
events_recorded = Signal()
