"""Webhook subscriptions and their signed, ordered delivery outbox."""
