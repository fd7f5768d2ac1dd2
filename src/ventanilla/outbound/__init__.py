"""Outgoing mail: compose with our headers, queue in the outbox, send with retries."""
