"""Tests of the webhooks: outbox, signatures, order, retries, SSRF, services and admin."""
