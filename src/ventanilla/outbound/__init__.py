"""Outgoing mail, all of it: what we send, to whom we may send it, and how it leaves.

- ``kinds/``: one module per kind of mail (``ack``, ``resolution``, ``reply``,
  ``notification``), each building an immutable ``draft.Draft`` from plain values its
  caller gives (``draft.TicketFacts``/``TicketRef``, ``draft.Thread``); shared wording of
  automatic mail in ``wording`` (+ ``render``), the agents' simple formatting in
  ``formatting``;
- ``policy``: who may receive automatic mail (robots, our own addresses, lists and loops
  named by the inbound rules, the rate limit and flagging);
- ``services.outbound_queue(draft=...)``: the outbox row, in the caller's transaction, handed
  to the worker on commit; ``compose`` writes the bytes (``addresses``, ``attach``);
- ``tasks`` → ``send`` (claim, record; ``lease``) → ``transport`` (relay or folder);
  outcomes are reported through ``signals.delivery_result``.

Outbound imports no ticket, agent or pipeline code: those ask it to send.
"""
