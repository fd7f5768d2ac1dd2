"""App config for mail."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    """Mail storage: mailboxes, the raw inbound messages, the outbox, IMAP accounts."""

    name = "ventanilla.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        """Keep the mailbox cache honest (drop it whenever a mailbox or blocked sender
        changes), and give every SQLite connection the planner's statistics."""
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_save

        from ventanilla.mail.models import BlockedSender, Mailbox
        from ventanilla.mail.selectors import mailbox_cache_clear
        from ventanilla.mail.statistics import sqlite_connection_tune

        connection_created.connect(sqlite_connection_tune, dispatch_uid="mail-sqlite-tune")
        for model in (Mailbox, BlockedSender):
            uid = model.__name__
            post_save.connect(mailbox_cache_clear, sender=model, dispatch_uid=f"{uid}-cache-save")
            post_delete.connect(mailbox_cache_clear, sender=model, dispatch_uid=f"{uid}-cache-del")
