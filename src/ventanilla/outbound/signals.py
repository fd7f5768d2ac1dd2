"""What became of an outgoing mail, told to whoever listens (outbound knows none of them).

``delivery_result`` is sent by ``send`` inside the transaction that records the outcome of
one attempt, so a listener's writes commit or roll back with it. Arguments (keywords):

- ``outbound_id``, ``ticket_id`` (None for mail about no ticket) and ``kind`` of the row;
- ``result``: one of `SENT`, `DEFERRED` (a temporary failure: tried again in ``retry_in``
  seconds) or `FAILED` (given up: the recipient never gets it);
- ``error``: the relay's answer or our reason ("" when sent), ``retry_in``: seconds or None.

The tickets app records failures on the ticket (``tickets/apps.py``); ``outbound.tasks``
schedules the next attempt of a deferred mail.
"""

from __future__ import annotations

from django.dispatch import Signal

SENT = "sent"
DEFERRED = "deferred"
FAILED = "failed"

delivery_result = Signal()
