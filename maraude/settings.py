"""Django settings for Maraude, read from the environment (12-factor).

Every variable is documented in docs/settings.md and listed in .env.example. Production is the
default: without DEBUG=true the app refuses to start with no SECRET_KEY and turns on every
transport-security setting `manage.py check --deploy` looks for.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from maraude.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-never-in-production"  # noqa: S105
# Old keys still accepted for signatures (sessions, password-reset links) while rotating.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pwa",
    # Before outreach: its admin unregisters django-otp's TOTP admin (it would show secrets).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "outreach",
    "api",
    "frontend_pwa",
    "reports",
    "planning",
    "accounts",
]

MIDDLEWARE = [
    # First: load balancers probe /healthz by address, before host validation and the SSL redirect.
    "maraude.health.HealthCheckMiddleware",
    "maraude.middleware.RealIPMiddleware",
    # A lost database connection answers 503 with Retry-After, not 500 (maraude/outage.py).
    "maraude.outage.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff sessions count as signed in only once their second factor is verified.
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "frontend_pwa.middleware.ServiceWorkerHeadersMiddleware",
]
# The request header in which the reverse proxy passes the client's address (nginx: X-Real-IP).
# Only set it when the app is reachable through that proxy alone.
REAL_IP_HEADER = env_str("REAL_IP_HEADER")

ROOT_URLCONF = "maraude.urls"
WSGI_APPLICATION = "maraude.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite file by default (a laptop's first run); PostgreSQL through psycopg 3 in production.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'maraude.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the sync endpoint write while reports read; a busy timeout avoids "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Seconds a client is told to wait (503 Retry-After) when the database does not answer.
DB_RETRY_AFTER_SECONDS = env_int("DB_RETRY_AFTER_SECONDS", 10, minimum=1)
# A password given apart from the URL (DATABASE_PASSWORD_FILE for a mounted secret).
_DATABASE_PASSWORD = env_secret("DATABASE_PASSWORD")
if _DATABASE_PASSWORD:
    DATABASES["default"]["PASSWORD"] = _DATABASE_PASSWORD
# Optional read replica for reporting queries only (see outreach/db.py and docs/deployment.md).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["replica"]["OPTIONS"] = DATABASES["default"].get("OPTIONS", {})
    # Tests see the replica as the primary itself, so test data is visible through both.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["outreach.db.ReportingRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "outreach.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Cache (login throttling, sessions when several app servers run) -----------------------
REDIS_URL = env_str("REDIS_URL")
# Several instances (or a benchmark) sharing one Redis keep apart by prefix.
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    # Sessions read from the shared cache, written through to the database (survive a cache flush).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"  # display only: storage is UTC (USE_TZ)
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# In development whitenoise serves straight from the apps' static folders (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Maraude <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=300)
CSRF_COOKIE_HTTPONLY = False  # the field app's fetch() reads it to send X-CSRFToken
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind nginx, which terminates TLS and sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Accounts (docs/adr/011-accounts-and-second-factor.md) -----------------------------------
# One throttle for every sign-in door (outreach/services/signin.py): per account and per address.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60, minimum=1)
# Invitation links (how accounts are created) and password-reset links expire after this.
INVITATION_LIFETIME_HOURS = env_int("INVITATION_LIFETIME_HOURS", 72, minimum=1)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60, minimum=5) * 60
# Name shown in authenticator apps next to the account.
OTP_TOTP_ISSUER = "Maraude"
# Wrong codes count in the one sign-in throttle above, not in a second, per-device one.
OTP_TOTP_THROTTLE_FACTOR = 0

# ProConnect, the State's identity federation for public agents (OpenID Connect). Off unless a
# client id is set. The discovery URL names the environment (integration or production).
PROCONNECT_DISCOVERY_URL = env_str("PROCONNECT_DISCOVERY_URL")
PROCONNECT_CLIENT_ID = env_str("PROCONNECT_CLIENT_ID")
PROCONNECT_CLIENT_SECRET = env_secret("PROCONNECT_CLIENT_SECRET", "") or ""
PROCONNECT_SCOPES = env_str("PROCONNECT_SCOPES", "openid email given_name usual_name uid siret")
# When ProConnect reports a multi-factor sign-in (amr "mfa"), it stands for Maraude's second factor.
PROCONNECT_ACCEPT_MFA = env_bool("PROCONNECT_ACCEPT_MFA", True)
PROCONNECT_ENABLED = bool(PROCONNECT_CLIENT_ID)
if PROCONNECT_ENABLED and not (PROCONNECT_DISCOVERY_URL and PROCONNECT_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "PROCONNECT_CLIENT_ID is set: PROCONNECT_DISCOVERY_URL and PROCONNECT_CLIENT_SECRET are needed too."
    )

# Content-Security-Policy (django-csp 4): every script is a static file, never inline.
_PROCONNECT_ORIGIN = "/".join(PROCONNECT_DISCOVERY_URL.split("/")[:3]) if PROCONNECT_ENABLED else ""
_TILE_ORIGIN = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": [
            "'self'",
            "data:",
            "blob:",
            *([_TILE_ORIGIN.split("/{")[0]] if _TILE_ORIGIN else []),
        ],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        # Signing out of ProConnect redirects there after the sign-out form is posted.
        "form-action": ["'self'", *([_PROCONNECT_ORIGIN] if _PROCONNECT_ORIGIN else [])],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
    }
}

# --- Domain settings ------------------------------------------------------------------------
# How long contact rows are kept before `purge_expired_contacts` deletes them (sessions remain).
RETENTION_DAYS = env_int("RETENTION_DAYS", 730, minimum=30)
# Counts under this are suppressed in everything that leaves a team. Never below 3.
DISCLOSURE_THRESHOLD = env_int("DISCLOSURE_THRESHOLD", 5, minimum=3)
# How long after it was recorded a contact can still be corrected from the field.
CONTACT_EDIT_WINDOW_HOURS = env_int("CONTACT_EDIT_WINDOW_HOURS", 72, minimum=1)
MAP_TILE_URL = _TILE_ORIGIN
# Sync protocol (docs/sync-protocol.md): push batch limits and the device clock tolerance.
SYNC_PUSH_MAX_OPERATIONS = env_int("SYNC_PUSH_MAX_OPERATIONS", 500, minimum=1)
SYNC_PUSH_MAX_BYTES = env_int("SYNC_PUSH_MAX_BYTES", 1024 * 1024, minimum=1024)
SYNC_CLOCK_SKEW_TOLERANCE_SECONDS = env_int("SYNC_CLOCK_SKEW_TOLERANCE_SECONDS", 300, minimum=1)
# Days the sync change log and push receipts are kept; a phone offline longer pulls a new snapshot.
SYNC_LOG_RETENTION_DAYS = env_int("SYNC_LOG_RETENTION_DAYS", 60, minimum=7)

# --- REST framework and OpenAPI -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {"enrol": "10/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Maraude API",
    "DESCRIPTION": "Sync protocol between the Maraude field app and the server. See docs/sync-protocol.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set used by several fields (the yes/no/unknown questions of a debrief).
    "ENUM_NAME_OVERRIDES": {"YesNoUnknownEnum": "outreach.choices.YesNoUnknown"},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_limits"],
}

# --- Progressive web app (django-pwa) -------------------------------------------------------
PWA_APP_NAME = "Maraude"
PWA_APP_DESCRIPTION = "Outreach field app"
PWA_APP_THEME_COLOR = "#111827"
PWA_APP_BACKGROUND_COLOR = "#111827"
PWA_APP_DISPLAY = "standalone"
PWA_APP_SCOPE = "/"
PWA_APP_START_URL = "/app/"
PWA_APP_ORIENTATION = "portrait"
PWA_APP_LANG = "fr-FR"
PWA_APP_DIR = "ltr"
PWA_SERVICE_WORKER_PATH = BASE_DIR / "frontend_pwa" / "static" / "frontend_pwa" / "serviceworker.js"
PWA_APP_ICONS = [
    {"src": "/static/frontend_pwa/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
    {"src": "/static/frontend_pwa/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
    {
        "src": "/static/frontend_pwa/icons/icon-maskable-512.png",
        "sizes": "512x512",
        "type": "image/png",
        "purpose": "maskable",
    },
]
PWA_APP_ICONS_APPLE = PWA_APP_ICONS[:2]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
