"""Re-encrypting the subscriptions' secrets after a rotation of the secret key.

The same job as ``intake.imap_services.imap_account_passwords_rekey`` for IMAP passwords,
for the operator's ``mail rekey`` step: run after moving the old key to
``VENTANILLA_SECRET_KEY_FALLBACKS``; once nothing fails, the old key can go.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from ventanilla.core.encryption import SecretDecryptError, secret_is_current, secret_rotate
from ventanilla.webhooks.models import WEBHOOK_SECRET_PURPOSE, WebhookSubscription


@dataclass
class SecretsRekeyReport:
    """What ``webhook_secrets_rekey`` did, by subscription name."""

    rotated: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


@transaction.atomic
def webhook_secrets_rekey() -> SecretsRekeyReport:
    """Re-encrypt every subscription secret under the current key (no key opens: reported).

    Each write is guarded by the old ciphertext, so a secret changed meanwhile wins.
    """
    report = SecretsRekeyReport()
    stored = WebhookSubscription.objects.values_list("pk", "name", "secret_encrypted")
    for pk, name, token in stored:
        if secret_is_current(token, purpose=WEBHOOK_SECRET_PURPOSE):
            report.current.append(name)
            continue
        try:
            rotated = secret_rotate(token, purpose=WEBHOOK_SECRET_PURPOSE)
        except SecretDecryptError as exc:
            report.failed[name] = str(exc)
            continue
        WebhookSubscription.objects.filter(pk=pk, secret_encrypted=token).update(
            secret_encrypted=rotated
        )
        report.rotated.append(name)
    return report
