"""Re-encrypting stored secrets after a rotation of the secret key, for any model's column.

The operator's ``mail rekey`` step: run after moving the old key to
``VENTANILLA_SECRET_KEY_FALLBACKS``; once nothing fails, the old key can go.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model, QuerySet

from ventanilla.core.encryption import SecretDecryptError, secret_is_current, secret_rotate


@dataclass
class RekeyReport:
    """What a rekey did, by the rows' names."""

    rotated: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def secrets_rekey(*, rows: QuerySet[Model], column: str, purpose: str) -> RekeyReport:
    """Re-encrypt ``column`` of every row in ``rows`` (which have a ``name``) under the current key.

    A secret no key opens is reported and left as it is. Each write is guarded by the old
    ciphertext, so a secret changed meanwhile wins. Call inside the caller's transaction.
    """
    report = RekeyReport()
    for pk, name, token in rows.values_list("pk", "name", column):
        if secret_is_current(token, purpose=purpose):
            report.current.append(name)
            continue
        try:
            rotated = secret_rotate(token, purpose=purpose)
        except SecretDecryptError as exc:
            report.failed[name] = str(exc)
            continue
        rows.filter(pk=pk, **{column: token}).update(**{column: rotated})
        report.rotated.append(name)
    return report
