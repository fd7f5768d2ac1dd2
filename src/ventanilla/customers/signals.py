"""Signals customers sends for listeners above it (reports, webhooks).

``customer_erased`` is sent by the erasure service (``privacy/erasure.py``) inside its
transaction, after the customer's personal data is gone, with the keywords:

- ``customer_id``: the id of the erased customer row (deleted by then);
- ``placeholder``: the anonymous ``Customer`` that now holds his tickets;
- ``ticket_ids``: the ids of those tickets (kept, anonymised, for the figures).

A listener that keeps copies of personal data (webhook payloads waiting in an outbox,
rollups keyed by address) removes or rewrites them here, in the same transaction.
"""

from django.dispatch import Signal

customer_erased = Signal()
