"""Settings for the ÉÉN beheerportaal, configured by environment variables (see README)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The demo and the tests run without a configured secret; production must set one.
SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-demo-key-set-SECRET_KEY-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "accounts",
    "core",
    "schedules",
    "telephony",
    "pbx",
    "mobile",
    "api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "template_partials",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_scopes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLimitMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.tenancy.TenantMiddleware",
    "core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "een_portal.urls"
# Form widgets may use the project's templates too (templates/pbx/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "een_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% form_guard %} in every POST form (core/templatetags/portal_forms.py).
            "builtins": ["core.templatetags.portal_forms"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.portal",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded demo database: several processes (web, worker) write to it.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# Sessions: 30 minutes idle (the cookie is renewed on every request), 12 hours at most
# (accounts.middleware.SessionLimitMiddleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_MAX_LIFETIME = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and "DATABASE_URL" in os.environ)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
PASSWORD_RESET_TIMEOUT = 2 * 60 * 60

# django-allauth: e-mail login, no self sign-up (accounts are invited), reset by link.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ÉÉN beheerportaal] "
# A reset request for an address without an account sends nothing (the page says the same).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Failed logins (accounts.adapters.AccountAdapter): "login_failed" counts per client (ip)
# and per address from that client (key = address + client IP), so one client cannot lock an
# account for everyone; "login_failed_address" is the higher ceiling per address alone, for
# a guesser that spreads over many clients. Only wrong passwords count.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login_failed_address": "30/15m/key",
    "reset_password": "20/m/ip,3/15m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "ÉÉN beheerportaal"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Internationalisation: Dutch first, English second. Source strings are English.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times are written by format name in the active language (een_portal/formats/).
FORMAT_MODULE_PATH = ["een_portal.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Amsterdam"
LANGUAGE_COOKIE_NAME = "portal_language"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("TESTING", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
# Uploads that only members may see (greetings): never under static or media (core/uploads.py).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))

# Redis, when configured, carries the cache (shared rate limits) and the Celery broker.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # While Redis is down the cache falls back to process memory with a warning (core/cache.py): a login
    # must keep working. Short socket timeouts, so that an unreachable Redis costs a second, not minutes.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery: Redis when REDIS_URL is set, otherwise an embedded broker on the file system so
# that the demo needs no server.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    BROKER_DIR.mkdir(parents=True, exist_ok=True)
    # kombu's filesystem transport, writing each message whole before the worker can see it.
    CELERY_BROKER_TRANSPORT = "een_portal.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "control_folder": str(BROKER_DIR / "control"),
        # kombu looks for new files once a second by default: too slow for "applied" to feel live.
        "polling_interval": 0.1,
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 1,
        "socket_keepalive": True,
        "health_check_interval": 10,
        # Reconnecting to publish (a save queueing its push): retry at once, within the connection timeout.
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    }
# The worker (and beat) outlive a broker restart: keep reconnecting, for as long as it takes, also at start.
# No task ever waits in the broker with a countdown or eta (pbx/sync/tasks.py): retries are in the database.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A save queues its push on commit: with the broker down that must cost about a second, not four.
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
# A push cut off by a lost connection is pushed again (acks_late, idempotent): the Celery 6 default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
PBX_RECONCILE_SECONDS = float(os.environ.get("PBX_RECONCILE_SECONDS", "5"))
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Pushes what is due (retries live in PbxSync.next_attempt_at, not in the broker) and, once the PBX
    # answers again after an outage, what waited for it. A run the worker could not start in time is dropped.
    "pbx-reconcile": {
        "task": "pbx.tasks.reconcile",
        "schedule": PBX_RECONCILE_SECONDS,
        "options": {"expires": PBX_RECONCILE_SECONDS},
    },
    # Business Voicemail: resends lost requests and collects the recorded ones ("Voicemail is klaar").
    "mobile-advance-voicemail-statuses": {
        "task": "mobile.tasks.advance_voicemail_statuses",
        "schedule": float(os.environ.get("STUDIO_POLL_SECONDS", "30")),
    },
    # "Geschiedenis": prunes change records and historical rows older than HISTORY_RETENTION_DAYS.
    "core-prune-history": {
        "task": "core.tasks.prune_history",
        "schedule": 3600.0,
        "options": {"expires": 3600},
    },
    # CSV import: the uploads a preview kept for "Doorvoeren" and nobody applied.
    "core-prune-import-uploads": {
        "task": "core.tasks.prune_import_uploads",
        "schedule": 3600.0,
        "options": {"expires": 3600},
    },
}
# How long an import's preview can still be applied (its upload is kept this long).
IMPORT_UPLOAD_HOURS = int(os.environ.get("IMPORT_UPLOAD_HOURS", "24"))
# How long the history ("Geschiedenis") keeps who changed what: two years by default.
HISTORY_RETENTION_DAYS = int(os.environ.get("HISTORY_RETENTION_DAYS", "730"))
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE

# The PBX (in the demo and in tests: the bundled simulator, pbx/simulator/).
PBX_URL = os.environ.get("PBX_URL", f"http://127.0.0.1:{os.environ.get('PBX_SIMULATOR_PORT', '8090')}")
PBX_TOKEN = os.environ.get("PBX_TOKEN", "demo-pbx-token")
PBX_TIMEOUT = float(os.environ.get("PBX_TIMEOUT", "5"))

# The simulated Business Voicemail studio (mobile/studio.py): days in production, a minute in the demo.
STUDIO_TURNAROUND_SECONDS = int(os.environ.get("STUDIO_TURNAROUND_SECONDS", "60"))

# The portal's own address, for the absolute links in mails (reset, confirmation, invitation):
# a mail sent by the worker or behind a proxy must not link to whatever host the request named.
PORTAL_URL = os.environ.get("PORTAL_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}").rstrip("/")
PORTAL_NAME = "ÉÉN beheerportaal"

# E-mail: SMTP when EMAIL_HOST is set; otherwise every mail is written to var/mail/.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ÉÉN beheerportaal <noreply@een-portaal.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

# Content-Security-Policy: everything is served from here; no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"

# The JSON API (api/): personal tokens or the session, JSON only, the services' errors in the
# language of Accept-Language, 25 a page, a rate limit per token (counted in the cache).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.MemberPermission"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "ÉÉN beheerportaal API",
    "DESCRIPTION": (
        "The portal's objects for programs: the same rules, history and PBX push as the pages. "
        "Authenticate with a personal API key (Mijn gegevens → API-sleutels) as "
        "`Authorization: Bearer een_…`; a key acts for one organisation, with its owner's role there."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "DestinationKindEnum": "pbx.models.DestinationKindChoice",
        "EntryKindEnum": "pbx.models.EntryKind",
        "SubscriptionKindEnum": "mobile.models.SubscriptionKind",
        "VoicemailKindEnum": "mobile.models.VoicemailKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind the reverse proxy (BEHIND_PROXY) the TLS state and the client's address come from the
# proxy's headers. allauth's rate limits then count per client, not per proxy: the client is
# the address the last TRUSTED_PROXY_COUNT proxies appended to X-Forwarded-For, or, when the
# proxy sets one, the header TRUSTED_CLIENT_IP_HEADER (e.g. X-Real-IP).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1")) if BEHIND_PROXY else 0
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = (
    (os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None) if BEHIND_PROXY else None
)
# Served over TLS (SECURE_COOKIES=1 said explicitly, or behind the TLS-terminating proxy):
# plain HTTP is redirected and browsers are told to use HTTPS only, for a year (HSTS max-age
# 31536000); not in the demo, the tests or the plain-HTTP compose stack. For this host only,
# unless the operator says every host of its domain is HTTPS-only (HSTS_INCLUDE_SUBDOMAINS)
# or commits the domain to the browsers' preload list (HSTS_PRELOAD, hard to undo): not the
# portal's decision, so `check --deploy` is not asked to warn about those two.
HTTPS_ONLY = SESSION_COOKIE_SECURE and ("SECURE_COOKIES" in os.environ or BEHIND_PROXY)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    check
    for check, chosen in (
        ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
        ("security.W021", SECURE_HSTS_PRELOAD),
    )
    if not chosen
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
