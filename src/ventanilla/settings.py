"""Django settings for Ventanilla, all from environment variables with safe defaults."""

from __future__ import annotations

from pathlib import Path

import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from ventanilla import config

# Lets ModelAdmin[Model] and friends be subscripted at run time (types for mypy).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
VENTANILLA_HOME = config.home()

SECRET_KEY = config.secret_key(VENTANILLA_HOME)
DEBUG = config.env_bool("VENTANILLA_DEBUG")
ALLOWED_HOSTS = [
    h for h in config.env("VENTANILLA_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in config.env("VENTANILLA_CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ventanilla.core",
    "ventanilla.agents",
    "ventanilla.customers",
    "ventanilla.mail",
    "ventanilla.tickets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ventanilla.urls"
WSGI_APPLICATION = "ventanilla.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": config.database_from_url(
        config.env("VENTANILLA_DATABASE_URL", f"sqlite:///{VENTANILLA_HOME / 'ventanilla.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = config.env("VENTANILLA_TIME_ZONE", "Europe/Madrid")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VENTANILLA_HOME / "static"
MEDIA_ROOT = VENTANILLA_HOME / "media"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Mail ---------------------------------------------------------------------------------
VENTANILLA_RELAY = config.relay_from_env()
# Where mail goes when no relay is configured: one .eml per message, so a newcomer sees it.
VENTANILLA_OUTBOX_DIR = VENTANILLA_HOME / "outbox"
VENTANILLA_BLOB_DIR = VENTANILLA_HOME / "blobs"
VENTANILLA_SUPPORT_ADDRESS = config.env("VENTANILLA_SUPPORT_ADDRESS", "soporte@empresa.es")
VENTANILLA_SMTP_LISTEN = config.env("VENTANILLA_SMTP_LISTEN", "127.0.0.1:2525")
VENTANILLA_WEB_LISTEN = config.env("VENTANILLA_WEB_LISTEN", "127.0.0.1:8000")
VENTANILLA_MAX_MESSAGE_BYTES = int(
    config.env("VENTANILLA_MAX_MESSAGE_BYTES", str(40 * 1024 * 1024))
)
# A message whose processing was interrupted (worker killed) is retried this many times
# before it goes to quarantine, so a poison message cannot loop forever (Mailman's MAX_BAK_COUNT).
VENTANILLA_MAX_ATTEMPTS = 3

# --- Background work (huey) ------------------------------------------------------------------
_redis_url = config.env("VENTANILLA_REDIS_URL")
HUEY: dict[str, object]
if _redis_url:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "ventanilla",
        "url": _redis_url,
        "immediate": config.env_bool("VENTANILLA_HUEY_IMMEDIATE"),
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "ventanilla",
        "filename": str(VENTANILLA_HOME / "huey.sqlite3"),
        "immediate": config.env_bool("VENTANILLA_HUEY_IMMEDIATE"),
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": config.env("VENTANILLA_LOG_LEVEL", "INFO")},
    "loggers": {
        # run_huey adds its own handler when "huey" has none: give it ours, once.
        "huey": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # aiosmtpd logs every command, with addresses, at INFO.
        "mail.log": {"level": "WARNING"},
    },
}
