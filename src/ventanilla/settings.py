"""Django settings for Ventanilla, all from environment variables with safe defaults."""

from __future__ import annotations

import socket
from pathlib import Path

import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from ventanilla import config

# Lets ModelAdmin[Model] and friends be subscripted at run time (types for mypy).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
VENTANILLA_HOME = config.home()

SECRET_KEY = config.secret_key(VENTANILLA_HOME)
# Old keys during a rotation (comma list): Django and our encrypted secrets
# (``core/encryption.py``) still accept them, but never sign or encrypt with them.
SECRET_KEY_FALLBACKS = [
    k.strip() for k in config.env("VENTANILLA_SECRET_KEY_FALLBACKS").split(",") if k.strip()
]
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
    "ventanilla.knowledge",
    "ventanilla.search",
    "ventanilla.suggest",
    "ventanilla.workspace",
    "ventanilla.webhooks",
    "ventanilla.reports",
    "ventanilla.privacy",
    "ventanilla.portal",
    "ventanilla.api",
    "ventanilla.ops",
    # django-ninja: Swagger UI from our static files (no CDN), for /api/v1/docs.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (collected by ``ventanilla web``), before anything that needs a session.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy when a view set none; no-store on private pages. Early in the
    # list, so on the way out it sees the session's and CSRF's Vary and cookies.
    "ventanilla.workspace.security.SecurityHeadersMiddleware",
    # Portal pages: no-referrer (the personal link must not leak), no-store, noindex.
    "ventanilla.portal.security.PortalHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After auth: a logged-in agent's profile language wins over the browser's.
    "ventanilla.workspace.middleware.AgentLanguageMiddleware",
    # After auth: the signed-in user is the author of what the sensitive-action log records.
    "ventanilla.agents.audit.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # /api/ only: rate limits per address and token, then Idempotency-Key on POST.
    "ventanilla.api.middleware.ApiEdgeMiddleware",
]

ROOT_URLCONF = "ventanilla.urls"
WSGI_APPLICATION = "ventanilla.wsgi.application"
LOGIN_URL = "workspace:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "workspace:login"

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
                "ventanilla.workspace.context_processors.workspace_header",
                "ventanilla.portal.context_processors.portal_footer",
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
# PostgreSQL at scale (README "Database at scale"): a connection is checked before reuse
# (a restarted server or a dropped idle connection costs one retry, not a 500); then either
# VENTANILLA_DB_POOL=MAX or MIN-MAX, psycopg's pool in each process, or
# VENTANILLA_DB_PGBOUNCER=1 behind PgBouncer in transaction mode, where a server-side cursor
# would outlive its transaction's server connection.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    _pool = config.env("VENTANILLA_DB_POOL")
    if _pool:
        _low, _sep, _high = _pool.partition("-")
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them: Django must not
        DATABASES["default"]["OPTIONS"] = {
            "pool": {
                "min_size": int(_low) if _sep else 1,
                "max_size": int(_high or _low),
                "timeout": 10,
            }
        }
    if config.env_bool("VENTANILLA_DB_PGBOUNCER"):
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# The one login limiter: every form that calls ``authenticate`` (workspace, admin, any later
# one) counts failures and obeys the lock. It replaces ModelBackend, not joins it.
AUTHENTICATION_BACKENDS = ["ventanilla.agents.login.RateLimitedModelBackend"]

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
# ``ventanilla web`` collects the static files here at every start (each host its own copy:
# they come with the code) and WhiteNoise serves them: hashed names, gzip copies, and a
# one-year immutable Cache-Control on every hashed name.
STATIC_ROOT = VENTANILLA_HOME / "static"
MEDIA_ROOT = VENTANILLA_HOME / "media"
# Attachment bytes (tickets/blobs.py), content-addressed and derivable again from the raw
# mail. Several hosts: VENTANILLA_BLOB_DIR on a mount they all share (README, "Running on
# several hosts"); a host that lacks a blob there rebuilds it from the mail in the database.
VENTANILLA_BLOB_DIR = Path(config.env("VENTANILLA_BLOB_DIR") or VENTANILLA_HOME / "blobs")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "blobs": {
        "BACKEND": "ventanilla.core.storage.AtomicFileSystemStorage",
        "OPTIONS": {"location": VENTANILLA_BLOB_DIR},
    },
}

# --- Web server (``ventanilla web``: gunicorn, core/web_server.py) ---------------------------
# Worker processes (0: one per CPU, between 2 and 8) and threads in each.
VENTANILLA_WEB_WORKERS = int(config.env("VENTANILLA_WEB_WORKERS", "0"))
VENTANILLA_WEB_THREADS = int(config.env("VENTANILLA_WEB_THREADS", "4"))
# A request running longer than this gets its worker restarted (an export, a large download).
VENTANILLA_WEB_TIMEOUT = int(config.env("VENTANILLA_WEB_TIMEOUT", "120"))
# One line per request on standard output. Off by default: the TLS proxy in front keeps one,
# and on 2 busy cores it took about 40 % of the login page's throughput (README).
VENTANILLA_WEB_ACCESS_LOG = config.env_bool("VENTANILLA_WEB_ACCESS_LOG")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind TLS (README, "Security settings"). Cookies are sent only over https when the
# workspace's address is https, unless told otherwise; plain http://localhost keeps working.
_SECURE_COOKIES = config.env_bool(
    "VENTANILLA_SECURE_COOKIES", default=config.env("VENTANILLA_BASE_URL").startswith("https://")
)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = _SECURE_COOKIES
# HSTS (RFC 6797): Django sends it only on secure requests; 0 = off.
SECURE_HSTS_SECONDS = int(config.env("VENTANILLA_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = config.env_bool("VENTANILLA_HSTS_INCLUDE_SUBDOMAINS")
# "X-Forwarded-Proto: https" when a TLS proxy in front sets that header on every request.
SECURE_PROXY_SSL_HEADER = config.proxy_ssl_header(config.env("VENTANILLA_PROXY_SSL_HEADER"))

# --- Mail ---------------------------------------------------------------------------------
VENTANILLA_RELAY = config.relay_from_env()
# Where mail goes when no relay is configured: one .eml per message, so a newcomer sees it.
VENTANILLA_OUTBOX_DIR = VENTANILLA_HOME / "outbox"
VENTANILLA_SUPPORT_ADDRESS = config.env("VENTANILLA_SUPPORT_ADDRESS", "soporte@empresa.es")
VENTANILLA_SMTP_LISTEN = config.env("VENTANILLA_SMTP_LISTEN", "127.0.0.1:2525")
VENTANILLA_WEB_LISTEN = config.env("VENTANILLA_WEB_LISTEN", "127.0.0.1:8000")
# What ``ventanilla run`` starts on this host (``ops/roles.py``): a comma list of web, intake,
# worker. ``run --role`` overrides it and passes its choice on to its children.
VENTANILLA_ROLES = config.env("VENTANILLA_ROLES", "web,intake,worker")
# Absolute links in mail to agents (notifications): where the workspace is reached.
VENTANILLA_BASE_URL = config.env("VENTANILLA_BASE_URL", "http://127.0.0.1:8000")
# LMTP listener for delivery from Postfix/Dovecot (RFC 2033); empty: not started.
VENTANILLA_LMTP_LISTEN = config.env("VENTANILLA_LMTP_LISTEN")
# IMAP accounts with "use IDLE": ``ventanilla run`` adds a ``mail idle`` child when this is on
# (without it they are polled every minute by the periodic task).
VENTANILLA_IMAP_IDLE = config.env_bool("VENTANILLA_IMAP_IDLE")
# STARTTLS on the SMTP and LMTP listeners when both are set (PEM files).
VENTANILLA_TLS_CERT = config.env("VENTANILLA_TLS_CERT")
VENTANILLA_TLS_KEY = config.env("VENTANILLA_TLS_KEY")
VENTANILLA_MAX_MESSAGE_BYTES = int(
    config.env("VENTANILLA_MAX_MESSAGE_BYTES", str(40 * 1024 * 1024))
)
# SMTP/LMTP listeners (intake/smtp_session.py explains the values): sessions in all and
# per client address (0: no cap; LMTP has none by default), the wait for the next command,
# and the longest silence inside DATA (not a bound on the whole transfer).
VENTANILLA_SMTP_MAX_SESSIONS = int(config.env("VENTANILLA_SMTP_MAX_SESSIONS", "100"))
VENTANILLA_SMTP_MAX_PER_ADDRESS = int(config.env("VENTANILLA_SMTP_MAX_PER_ADDRESS", "10"))
VENTANILLA_SMTP_COMMAND_TIMEOUT = float(config.env("VENTANILLA_SMTP_COMMAND_TIMEOUT", "60"))
VENTANILLA_SMTP_DATA_TIMEOUT = float(config.env("VENTANILLA_SMTP_DATA_TIMEOUT", "180"))
# A message whose processing was interrupted (worker killed) is retried this many times
# before it goes to quarantine, so a poison message cannot loop forever (Mailman's MAX_BAK_COUNT).
VENTANILLA_MAX_ATTEMPTS = 3
# Ticket lifecycle: resolved tickets close by themselves after this many days; a
# customer's reply reopens a closed ticket within this many days of closing, later it opens
# a new ticket linked to the old one.
VENTANILLA_AUTO_CLOSE_DAYS = int(config.env("VENTANILLA_AUTO_CLOSE_DAYS", "7"))
VENTANILLA_REOPEN_DAYS = int(config.env("VENTANILLA_REOPEN_DAYS", "14"))
# Personal portal links in mail to a customer expire this many days after the mail: enough
# for the resolution notice's link to outlive auto-close plus the reopen window (7 + 14),
# short enough that a forwarded or leaked mail stops opening the ticket within a month.
# Every mail carries a fresh link, so a live conversation never meets the limit.
VENTANILLA_PORTAL_LINK_DAYS = int(config.env("VENTANILLA_PORTAL_LINK_DAYS", "30"))
# A customer may change his satisfaction rating for this many days after first giving it
# (as long as his reply would still reopen the ticket); then it is fixed for reports.
VENTANILLA_RATING_DAYS = int(config.env("VENTANILLA_RATING_DAYS", "14"))
# Retention (``privacy/retention.py``, daily, ``ventanilla privacy retention --dry-run``):
# the raw mail and the attachments of tickets closed more than this many months ago are
# removed, and customers with no ticket activity for this many years are erased; 0: keep.
# Six years: what the Código de Comercio (art. 30) asks a company to keep of its dealings.
VENTANILLA_RETENTION_MAIL_MONTHS = int(config.env("VENTANILLA_RETENTION_MAIL_MONTHS", "24"))
VENTANILLA_RETENTION_CUSTOMER_YEARS = int(config.env("VENTANILLA_RETENTION_CUSTOMER_YEARS", "6"))
# REST API: requests per minute per client address and per token (or agent session), shared
# by every web process through the database.
VENTANILLA_API_RATE_PER_IP = int(config.env("VENTANILLA_API_RATE_PER_IP", "600"))
VENTANILLA_API_RATE_PER_TOKEN = int(config.env("VENTANILLA_API_RATE_PER_TOKEN", "300"))
# Report rollups kept in the transaction of every audit row (``reports/listeners.py``); off
# only to measure what they cost (``benchmarks/reports.py``), then ``reports rebuild``.
VENTANILLA_REPORTS_ROLLUPS = config.env_bool("VENTANILLA_REPORTS_ROLLUPS", default=True)
# Webhooks may reach loopback, private and link-local addresses for every subscription (a
# closed network); otherwise only those an admin allowed one by one (``webhooks/targets.py``).
VENTANILLA_WEBHOOK_ALLOW_PRIVATE = config.env_bool("VENTANILLA_WEBHOOK_ALLOW_PRIVATE")
# The sweep retries ``received`` rows older than this: long enough for the task queued on
# commit to run first (a smaller value only means an earlier, harmless retry).
VENTANILLA_SWEEP_AGE_SECONDS = int(config.env("VENTANILLA_SWEEP_AGE_SECONDS", "60"))
# Health (``/healthz``, ``ventanilla status``): past these, the report says "degraded" (503).
VENTANILLA_HEALTH_INTAKE_LAG_SECONDS = int(config.env("VENTANILLA_HEALTH_INTAKE_LAG", "600"))
VENTANILLA_HEALTH_IMAP_STALE_SECONDS = int(config.env("VENTANILLA_HEALTH_IMAP_STALE", "900"))
VENTANILLA_HEALTH_OUTBOX_AGE_SECONDS = int(config.env("VENTANILLA_HEALTH_OUTBOX_AGE", "3600"))
# Sender trust: authserv-ids of our own MX whose Authentication-Results we believe (empty:
# none), and whether to verify DKIM ourselves when no trusted header is present.
VENTANILLA_TRUSTED_AUTHSERV_IDS = [
    i.strip() for i in config.env("VENTANILLA_TRUSTED_AUTHSERV_IDS").split(",") if i.strip()
]
VENTANILLA_DKIM_VERIFY = config.env_bool("VENTANILLA_DKIM_VERIFY", default=True)

# --- Background work (huey) ------------------------------------------------------------------
# The queue: ``sqlite`` (one host, in $VENTANILLA_HOME: the embedded default), ``postgres``
# (several hosts: huey's tables in the database itself, survives a restart of its server) or
# ``redis`` (several hosts, VENTANILLA_REDIS_URL; faster, but a restart without persistence
# empties the queue and the sweeps redo the work). README "The queue across hosts" has the
# figures behind the choice of ``postgres``. Whatever the queue, the rows stay the truth.
_redis_url = config.env("VENTANILLA_REDIS_URL")
VENTANILLA_QUEUE = config.env("VENTANILLA_QUEUE", "redis" if _redis_url else "sqlite")
# This host's name in leases and heartbeats (its roles: VENTANILLA_ROLES, above).
VENTANILLA_NODE_NAME = config.env("VENTANILLA_NODE_NAME") or socket.gethostname()
# A process whose heartbeat is older than this is named dead by the health report.
VENTANILLA_HEALTH_BEAT_SECONDS = int(config.env("VENTANILLA_HEALTH_BEAT", "60"))
# flush_locks: task locks are leases with an end (core/queue.py); a starting worker releases
# only those of this host's dead processes, never another host's.
_HUEY_CONSUMER = {"workers": 2, "worker_type": "thread", "flush_locks": True}
HUEY: dict[str, object] = {
    "name": "ventanilla",
    "immediate": config.env_bool("VENTANILLA_HUEY_IMMEDIATE"),
    "consumer": _HUEY_CONSUMER,
}
if VENTANILLA_QUEUE == "redis":
    HUEY |= {"huey_class": "ventanilla.core.queue.ClusterRedisHuey", "url": _redis_url}
elif VENTANILLA_QUEUE == "postgres":
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ValueError("VENTANILLA_QUEUE=postgres needs a PostgreSQL VENTANILLA_DATABASE_URL")
    from psycopg.conninfo import make_conninfo

    _db = DATABASES["default"]
    # Behind PgBouncer in transaction mode (VENTANILLA_DB_PGBOUNCER) the queue still needs
    # a session of its own: it LISTENs for new tasks, and psycopg prepares the statements it
    # repeats ("prepared statement _pg3_1 does not exist" through the pool). Then give it the
    # PostgreSQL server itself here (deploy/ventanilla.env).
    if config.env("VENTANILLA_QUEUE_DATABASE_URL"):
        _db = config.database_from_url(config.env("VENTANILLA_QUEUE_DATABASE_URL"))
    HUEY |= {
        "huey_class": "ventanilla.core.queue.ClusterPostgresHuey",
        "dsn": make_conninfo(
            dbname=_db["NAME"],
            user=_db["USER"],
            password=_db["PASSWORD"],
            host=_db["HOST"],
            port=_db["PORT"],
        ),
        # The queue's own commits do not wait for the WAL flush: 5x the tasks per second
        # (README); a crash of PostgreSQL itself may lose the last queued tasks, which the
        # sweeps redo from the rows. A clean restart loses nothing.
        "options": "-c synchronous_commit=off",
        "connect_timeout": 5,
        "create_tables": False,  # core/migrations/0002: no connection at import time
    }
elif VENTANILLA_QUEUE == "sqlite":
    HUEY |= {
        "huey_class": "ventanilla.core.queue.ClusterSqliteHuey",
        "filename": str(VENTANILLA_HOME / "huey.sqlite3"),
    }
else:
    raise ValueError(
        f"VENTANILLA_QUEUE must be sqlite, postgres or redis, not {VENTANILLA_QUEUE!r}"
    )

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
