"""Re-encrypting the subscriptions' secrets after a rotation of the secret key.

The same job as ``intake.imap_services.imap_account_passwords_rekey`` for IMAP passwords,
for the operator's ``mail rekey`` step: run after moving the old key to
``VENTANILLA_SECRET_KEY_FALLBACKS``; once nothing fails, the old key can go.
"""

from __future__ import annotations

from django.db import transaction

from ventanilla.core.rekey import RekeyReport, secrets_rekey
from ventanilla.webhooks.models import WEBHOOK_SECRET_PURPOSE, WebhookSubscription


@transaction.atomic
def webhook_secrets_rekey() -> RekeyReport:
    """Re-encrypt every subscription secret under the current key (no key opens: reported)."""
    return secrets_rekey(
        rows=WebhookSubscription.objects.all(),
        column="secret_encrypted",
        purpose=WEBHOOK_SECRET_PURPOSE,
    )
