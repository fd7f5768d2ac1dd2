"""IMAP passwords encrypted at rest: the clear-text column becomes ``password_encrypted``.

Forward: every stored password is encrypted under the current secret key. Backward: every
password is decrypted again into the clear-text column (this needs the key it was encrypted
under, in ``VENTANILLA_SECRET_KEY`` or ``VENTANILLA_SECRET_KEY_FALLBACKS``; without it the
reverse migration stops with ``SecretDecryptError`` and changes nothing).
"""

from django.db import migrations, models

from ventanilla.core.encryption import secret_decrypt, secret_encrypt

PURPOSE = "IMAP password"  # ventanilla.mail.models.IMAP_PASSWORD_PURPOSE, frozen here


def encrypt_passwords(apps, schema_editor):
    ImapAccount = apps.get_model("mail", "ImapAccount")
    for pk, clear in ImapAccount.objects.exclude(password_encrypted="").values_list(
        "pk", "password_encrypted"
    ):
        ImapAccount.objects.filter(pk=pk).update(
            password_encrypted=secret_encrypt(clear, purpose=PURPOSE)
        )


def decrypt_passwords(apps, schema_editor):
    ImapAccount = apps.get_model("mail", "ImapAccount")
    for pk, token in ImapAccount.objects.exclude(password_encrypted="").values_list(
        "pk", "password_encrypted"
    ):
        ImapAccount.objects.filter(pk=pk).update(
            password_encrypted=secret_decrypt(token, purpose=PURPOSE)
        )


class Migration(migrations.Migration):

    dependencies = [
        ("mail", "0003_imap_intake_team"),
    ]

    operations = [
        migrations.RenameField(
            model_name="imapaccount",
            old_name="password",
            new_name="password_encrypted",
        ),
        migrations.AlterField(
            model_name="imapaccount",
            name="password_encrypted",
            field=models.TextField(blank=True, verbose_name="password (encrypted)"),
        ),
        migrations.RunPython(encrypt_passwords, decrypt_passwords),
    ]
