"""PLACEHOLDER outbox tasks."""
