"""What the API keeps between requests: idempotency records and rate-limit counters.

Both live in the database so every web process shares them (a limit or a replay that held
only inside one process would not hold behind a second one).
"""

from __future__ import annotations

from django.db import models


class IdempotencyRecord(models.Model):
    """One ``Idempotency-Key`` of one credential: the request it named and, once done, its answer.

    The unique (owner, key) pair is what makes concurrent duplicates safe: exactly one request
    inserts the row and runs; the others find it and wait for its stored response.
    """

    owner = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Null while the first request is still running.
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    location = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key} {self.status}"


class RateCounter(models.Model):
    """Requests counted for one bucket (a token, an address) in one fixed window."""

    bucket = models.CharField(max_length=80)
    slot = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "slot"], name="ratecounter_bucket_slot")
        ]
        indexes = [models.Index(fields=["slot"], name="ratecounter_slot")]

    def __str__(self) -> str:
        return f"{self.bucket} {self.slot}: {self.hits}"
