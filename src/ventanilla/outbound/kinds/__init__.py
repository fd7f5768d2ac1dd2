"""One module per kind of outgoing mail, each building an immutable ``Draft``.

``ack`` (a new ticket's acknowledgement), ``resolution`` (the "resolved" notice), ``reply``
(an agent's answer to the customer) and ``notification`` (a notice to an agent). The caller
decides whether to send (asking ``outbound.policy``), passes what the mail needs to know of
the ticket, and hands the draft to ``outbound.services.outbound_queue``.
"""
