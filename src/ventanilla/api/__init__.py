"""The REST API v1 (django-ninja): tokens, idempotency, rate limits, OpenAPI."""
