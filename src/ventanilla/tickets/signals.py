"""Signals tickets sends for listeners above it (search): changes Django's signals miss.

``ticket_changed`` (keyword ``ticket_id``) is sent after a write that bypasses ``save()``,
such as a merge moving articles with ``QuerySet.update``; it is sent inside the transaction.
"""

from django.dispatch import Signal

ticket_changed = Signal()
