"""App config for mail."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    """Mail storage: mailboxes, the raw inbound messages, the outbox, IMAP accounts."""

    name = "ventanilla.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        """Keep the mailbox cache honest: drop it whenever a mailbox or blocked sender changes."""
        from django.db.models.signals import post_delete, post_save

        from ventanilla.mail.models import BlockedSender, Mailbox
        from ventanilla.mail.selectors import mailbox_cache_clear

        for model in (Mailbox, BlockedSender):
            uid = model.__name__
            post_save.connect(mailbox_cache_clear, sender=model, dispatch_uid=f"{uid}-cache-save")
            post_delete.connect(mailbox_cache_clear, sender=model, dispatch_uid=f"{uid}-cache-del")
