"""Pacte settings, read from environment variables (12-factor).

Every variable is documented in the README ("Configuration"). The defaults give the embedded runtime:
SQLite, Celery tasks run eagerly in-process, console e-mail, keys generated into ``var/`` on the first
run, DEBUG off. ``DJANGO_ENV=production`` turns on the HTTPS/HSTS/secure-cookie settings and refuses to
start without its keys (DJANGO_SECRET_KEY, PACTE_PSEUDONYM_KEY) in the environment.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.keys import generated_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DJANGO_ENV = env("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"

VAR_DIR = Path(env("PACTE_VAR_DIR", str(BASE_DIR / "var")))


def secret(name: str, file_name: str) -> str:
    """A key from the environment variable `name`. In production it must be set (every web and worker
    machine needs the same one); elsewhere the first run generates one into VAR_DIR/`file_name` (mode
    0600) and later runs read it (config/keys.py). There is no key written in the code."""
    value = env(name)
    if value:
        if len(value) < 50:
            raise ImproperlyConfigured(f"{name} must be a random string of 50+ characters.")
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set to a random string of 50+ characters in production.")
    return generated_key(VAR_DIR / file_name)


# Django's signing key (sessions, password-reset links, CSRF).
SECRET_KEY = secret("DJANGO_SECRET_KEY", "secret_key")
# The key of the public pseudonyms (open data, public API: an HMAC of each participant's key). Separate
# from SECRET_KEY, so that whoever learns one cannot link the published pseudonyms to accounts with it.
PACTE_PSEUDONYM_KEY = secret("PACTE_PSEUDONYM_KEY", "pseudonym_key")
# Previous keys, still accepted while what they signed or sealed lives on (sessions, open ballot boxes).
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")
if PACTE_PSEUDONYM_KEY == SECRET_KEY:
    raise ImproperlyConfigured("PACTE_PSEUDONYM_KEY must differ from DJANGO_SECRET_KEY.")

# Only when asked for: a debug page shows settings and code to whoever triggers an error.
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "config.apps.PacteAdminConfig",  # django.contrib.admin behind allauth's sign-in (config/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "widget_tweaks",
    "dsfr",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Redoc's script served from our origin (no CDN: CSP and offline)
    "accounts",
    "consultation",
    "deliberation",
    "analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A JSON vote in one SQL statement, no Redis (docs/decisions/0019); anything else goes on below.
    "consultation.fast_vote.FastVoteMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Session and signed-in user in one Redis round trip: before anything reads them.
    "accounts.prefetch.PrefetchSignedInMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After the locale (its refusal is translated), before anything reads the address's parameters.
    "config.middleware.NullCharacterInAddressMiddleware",
    # Before the CSRF check, which reads the form: a view's rule is decided before its body is read.
    "accounts.permissions.PermissionFirstMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMfaForStaffRolesMiddleware",
    "config.middleware.CSPMiddleware",
    # Inside the CSP middleware: the page it renders gets the site's policy.
    "config.method_not_allowed.MethodNotAllowedPageMiddleware",
    "config.middleware.DatabaseBusyMiddleware",
]

# The vote's fast path (consultation/fast_vote.py); off, every vote takes the full path (same answers).
PACTE_FAST_VOTE = env_bool("PACTE_FAST_VOTE", True)
# Rows an address's vote window is split into (consultation/vote_limit.py): 1 puts every vote from one
# address in one row, each waiting for the previous one's commit. Safe to change at any time.
PACTE_VOTE_ADDRESS_SHARDS = max(1, int(env("PACTE_VOTE_ADDRESS_SHARDS", "16")))

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dsfr.context_processors.site_config",
                "accounts.context_processors.roles",
                "accounts.context_processors.language_next",
            ],
        },
    },
]
FORM_RENDERER = "dsfr.forms.DsfrDjangoTemplates"
DSFR_MARK_OPTIONAL_FIELDS = True  # the DSFR now marks optional fields, not required ones

# --- Database: the source of truth. SQLite embedded by default, PostgreSQL in production and tests.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pacte.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that needs no round trip to a healthy server.
    DATABASES["default"]["ENGINE"] = "config.postgresql"
if DATABASES["default"]["ENGINE"] == "config.postgresql" and env_bool("DATABASE_PREPARED_STATEMENTS", True):
    # The vote path's statements are prepared once per connection (consultation/sql.py; Django's own
    # queries bind on the client and are never prepared). Turn off behind a pooler in transaction mode
    # (PgBouncer before 1.21), which cannot keep prepared statements across transactions.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # Wait for the writer lock instead of failing at once when the demo serves a few users
        # (PACTE_SQLITE_TIMEOUT seconds; past it the request gets a 503 with Retry-After,
        # config/middleware.py).
        timeout=float(env("PACTE_SQLITE_TIMEOUT", "20")),
        # A transaction takes the writer lock when it begins, waiting for it as above. Begun as a reader
        # (SQLite's default), it failed at once with "database is locked" when it came to write while
        # another one was writing: 21 of 50 concurrent votes from one account answered 500.
        transaction_mode="IMMEDIATE",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, debouncing): Redis when configured, local memory otherwise.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that does not answer must not hold requests: fail in a second, then degrade.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are read on every request: from Redis when there is one, still written through to the database.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Celery: Redis broker when REDIS_URL is set, otherwise tasks run eagerly in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves the task to another worker
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXPIRES = 7 * 24 * 3600
# Sending a task subscribes to its result in Redis; with Redis down, Celery's default retries that 20 times
# a second apart, holding the request ~19 s before the task is left in the outbox (accounts/outbox.py).
# Give up after ~0.5 s instead: the outbox's sweep sends the task once Redis is back.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.25, "interval_max": 0.25}
}

# --- Authentication (django-allauth): e-mail login, mandatory verification, MFA for staff roles.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, reading the signed-in user from the cache (accounts/backends.py).
    "accounts.backends.CachedModelBackend",
    "accounts.backends.CachedAllauthBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
# Failed sign-ins: 10 a minute per client address (accounts/network.py), and 5 in 5 minutes per address
# AND account (AccountAdapter._get_login_attempts_cache_key), so that nobody can lock another person out
# of their account from elsewhere.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "signup": "20/m/ip"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Pacte"
# The code steps say that a recovery code is accepted too.
MFA_FORMS = {
    "authenticate": "accounts.forms.AuthenticateForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
}
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGIN_URL = "account_login"

# --- E-mail
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Pacte <ne-pas-repondre@pacte.localhost>")
# Notices are retried while the mail server refuses (accounts/notices.py MAIL_TASK_OPTIONS): first wait,
# longest wait (seconds) and number of tries; the defaults cover about a day.
PACTE_MAIL_RETRY_SECONDS = int(env("PACTE_MAIL_RETRY_SECONDS", "60"))
PACTE_MAIL_RETRY_MAX_SECONDS = int(env("PACTE_MAIL_RETRY_MAX_SECONDS", "3600"))
PACTE_MAIL_RETRIES = int(env("PACTE_MAIL_RETRIES", "48"))

# --- Internationalisation: French first, English second.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
# One date format and one date-time format per language for the whole site (config/formats/<lang>/).
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

# --- Static and media files (DSFR assets ship in django-dsfr; no CDN).
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # shared by every app (static/pacte/)
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # keeps WhiteNoise quiet before collectstatic
    # `make demo` runs without DEBUG and without collectstatic: WhiteNoise serves the apps' files directly.
    WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- API
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # The API is public, read-only and the same for everyone: it authenticates no one. DRF's default
    # Basic authentication checked e-mail + password on every call, with no rate limit and no second
    # factor (a password oracle), and answered a wrong one with a 403 the schema did not document.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "consultation.pagination.Pagination",
    "PAGE_SIZE": 100,
    # Per client address, through the site's own rate limits (PACTE_RATE_LIMITS["api"]).
    "DEFAULT_THROTTLE_CLASSES": ["consultation.throttling.PerAddressThrottle"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pacte API",
    "DESCRIPTION": "Read-only open data of Pacte consultations (Licence Ouverte 2.0).",
    "VERSION": "1.0.0",
    # /api/docs/ loads Redoc from the drf-spectacular-sidecar package through our static files: the CDN
    # it came from was blocked by our content-security policy (a blank page) and out of reach offline.
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # The languages of the bilingual texts (title_lang, context_lang): one named enum in the schema.
    "ENUM_NAME_OVERRIDES": {"BilingualLanguageEnum": "consultation.languages.BILINGUAL"},
}

# --- Content Security Policy (django-csp 4): everything is served from our own origin.
from csp.constants import NONCE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}

# --- Security
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO: keep its warnings only.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- Pacte
# Current version of the privacy notice; bumping it asks every citizen to accept the new text.
PACTE_PRIVACY_NOTICE_VERSION = env("PACTE_PRIVACY_NOTICE_VERSION", "2026-11")
# Days after a panel adopts a recommendation without any answer before the answer is flagged overdue.
PACTE_ANSWER_OVERDUE_DAYS = int(env("PACTE_ANSWER_OVERDUE_DAYS", "90"))
# Minutes after which a panel draw still "queued" or "running" may be abandoned by an organiser (its worker
# was lost): well above the longest draw measured (maximin on 2,000 volunteers, panel of 30: 26 min).
# A draw abandoned while its worker was in fact alive commits nothing: its late result is refused.
PACTE_SELECTION_STALE_MINUTES = int(env("PACTE_SELECTION_STALE_MINUTES", "120"))
# Minutes without a sign of life (queued, started, a progress figure: accounts/progress.py) after which an
# organiser's CSV import still "waiting" or "importing" has lost its worker: the page and the beat end it as
# failed, nothing imported, and a new import may start. A 100,000-row import reports every 1,000 rows.
PACTE_JOB_STALE_MINUTES = int(env("PACTE_JOB_STALE_MINUTES", "10"))
if PACTE_JOB_STALE_MINUTES < 1:
    raise ImproperlyConfigured("PACTE_JOB_STALE_MINUTES must be 1 or more minutes.")
# Redis broker: a task a worker took but never acknowledged (acks late: the worker was killed or its machine
# lost) goes back to the queue after `visibility_timeout` seconds, and another worker runs it. It must
# exceed the longest task (the draw's time limit above), or a task still running would be handed to a
# second worker; every task is idempotent anyway (at-least-once delivery). Lower it only for tests.
_LONGEST_TASK_SECONDS = PACTE_SELECTION_STALE_MINUTES * 60 + 600
# At least 1.5 s: a worker waits for tasks with a blocking pop of about 1 s, which a shorter socket
# timeout would break over and over (redis-py #583, celery #3046).
_REDIS_SOCKET_TIMEOUT = max(1.5, float(env("CELERY_REDIS_SOCKET_TIMEOUT", "2")))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", str(_LONGEST_TASK_SECONDS))),
    # How often a worker looks for such tasks (seconds between sweeps x sweeps skipped).
    "unacked_restore_interval": int(env("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(env("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
    # A worker sweeping for such tasks holds a lock in Redis for the sweep; a worker killed during its
    # sweep leaves the lock until it expires, and no other worker takes the tasks back meanwhile.
    "unacked_mutex_expire": int(env("CELERY_UNACKED_MUTEX_EXPIRE", "300")),
    # A Redis that hangs (stopped, or gone without closing the connection) must not hold a request that
    # sends a task for ever: a command unanswered within these seconds fails, and the task waits in the
    # outbox. The worker's wait for tasks is not affected (kombu reads it when the socket is readable).
    "socket_timeout": _REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": _REDIS_SOCKET_TIMEOUT,
}
# The same for the result backend (Celery's defaults: 120 s, and no connect timeout).
CELERY_REDIS_SOCKET_TIMEOUT = _REDIS_SOCKET_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = _REDIS_SOCKET_TIMEOUT
# Days a closed panel's pool is kept (GDPR storage limitation): that many days after a panel is closed,
# the volunteers who never had a seat (not drawn, reserves, left out) are deleted with the profile answers
# copied for that panel, by the daily `deliberation.purge_volunteer_pools` task (CELERY_BEAT_SCHEDULE
# below) or `python manage.py purge_volunteer_pools`. Seated members stay with the panel's public record.
# The privacy notice and the "not drawn" e-mail state this value.
PACTE_POOL_RETENTION_DAYS = int(env("PACTE_POOL_RETENTION_DAYS", "180"))
if PACTE_POOL_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("PACTE_POOL_RETENTION_DAYS must be 0 or more days.")
# Largest CSV the organisers' import page takes (MB). A worker imports it (100,000 rows, 13.5 MB: about
# 25 s on a slow 2-core machine) and the file waits in the database meanwhile. Larger files:
# `python manage.py import_contributions` (no limit, progress bar).
PACTE_IMPORT_PAGE_MAX_MB = float(env("PACTE_IMPORT_PAGE_MAX_MB", "50"))
# Address of the site as citizens reach it, for the links in e-mails sent by workers (no request there).
# In production it defaults to HTTPS on the first allowed host.
PACTE_SITE_URL = env(
    "PACTE_SITE_URL",
    f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION and ALLOWED_HOSTS else "http://127.0.0.1:8000",
).rstrip("/")

# --- Consultations
# Rate limits per action and scope, "<count>/<seconds>" (see consultation/ratelimit.py). The per-IP limits
# are higher than the per-user ones because many citizens may share one address (a library, a company).
PACTE_RATE_LIMITS = {
    "proposal": {
        "user": env("PACTE_RATE_PROPOSAL_USER", "10/3600"),
        "ip": env("PACTE_RATE_PROPOSAL_IP", "100/3600"),
    },
    "vote": {"user": env("PACTE_RATE_VOTE_USER", "120/60"), "ip": env("PACTE_RATE_VOTE_IP", "2000/60")},
    "report": {
        "user": env("PACTE_RATE_REPORT_USER", "30/3600"),
        "ip": env("PACTE_RATE_REPORT_IP", "300/3600"),
    },
    # The public API (one address may be a whole administration behind one proxy).
    "api": {"ip": env("PACTE_RATE_API_IP", "600/60")},
    # The similar-proposal preview (a TF-IDF comparison per request): per person drafting and address.
    "proposal_preview": {
        "user": env("PACTE_RATE_PREVIEW_USER", "30/600"),
        "ip": env("PACTE_RATE_PREVIEW_IP", "300/600"),
    },
    # Session check-in codes (6 characters of 32): attempts per member and per session. A member refused
    # here is checked in by the facilitator from the session console.
    "checkin_code": {
        "user": env("PACTE_RATE_CHECKIN_USER", "10/900"),
        "session": env("PACTE_RATE_CHECKIN_SESSION", "300/900"),
    },
}
# When a session's check-in code works: from this many minutes before its start to this many hours after.
PACTE_CHECKIN_OPENS_MINUTES_BEFORE = int(env("PACTE_CHECKIN_OPENS_MINUTES_BEFORE", "60"))
PACTE_CHECKIN_CLOSES_HOURS_AFTER = int(env("PACTE_CHECKIN_CLOSES_HOURS_AFTER", "10"))
# A closed vote's counts are published only when at least this many ballots were cast; with fewer, they
# would tell how the few who voted chose, and the vote decides nothing (deliberation.rules.vote_outcome).
PACTE_MIN_BALLOTS_TO_PUBLISH = max(1, int(env("PACTE_MIN_BALLOTS_TO_PUBLISH", "5")))
# The similar-proposal preview compares a draft with at most this many published proposals: those that
# share the most words with it (a full-text prefilter in the database), the newest first among equals.
PACTE_PREVIEW_CANDIDATES = int(env("PACTE_PREVIEW_CANDIDATES", "500"))
# Number of reverse proxies of this deployment in front of the application, each appending to
# X-Forwarded-For (accounts/network.py): the client's address is the entry that many steps from the right.
# 0 (no proxy): X-Forwarded-For is ignored and the connecting address is the client's.
PACTE_TRUSTED_PROXIES = int(env("PACTE_TRUSTED_PROXIES", "0"))
if PACTE_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("PACTE_TRUSTED_PROXIES is a number of proxies, 0 or more.")
if env("PACTE_CLIENT_IP_HEADER"):
    # It trusted the leftmost X-Forwarded-For entry, which the client writes: refuse rather than ignore it.
    raise ImproperlyConfigured(
        "PACTE_CLIENT_IP_HEADER is no longer read: set PACTE_TRUSTED_PROXIES to the number of reverse "
        "proxies in front of Pacte (usually 1) instead."
    )

# --- Broad listening
# The embedding model. "use-multilingual" (default, shipped in a package) or
# "sentence-transformers" with PACTE_EMBEDDING_MODEL = a local model directory (never downloaded).
PACTE_EMBEDDING_BACKEND = env("PACTE_EMBEDDING_BACKEND", "use-multilingual")
PACTE_EMBEDDING_MODEL = env("PACTE_EMBEDDING_MODEL")
# Distinct texts per parallel embedding task.
PACTE_EMBEDDING_CHUNK_SIZE = int(env("PACTE_EMBEDDING_CHUNK_SIZE", "500"))
# Optional theme labels and summaries from an OpenAI-compatible endpoint (off while the base URL is empty).
# The API key is read from the environment variable named by PACTE_LABELS_API_KEY_ENV when a run needs it.
PACTE_LABELS_BASE_URL = env("PACTE_LABELS_BASE_URL")
PACTE_LABELS_MODEL = env("PACTE_LABELS_MODEL")
PACTE_LABELS_API_KEY_ENV = env("PACTE_LABELS_API_KEY_ENV", "PACTE_LABELS_API_KEY")
PACTE_LABELS_TIMEOUT = float(env("PACTE_LABELS_TIMEOUT", "30"))
# Opinion groups are recomputed on the workers PACTE_OPINION_DEBOUNCE_SECONDS after a vote (one pending
# recomputation at most), and by the beat for any consultation with this many votes since its last
# computation (docs/opinion-groups.md, "When groups are recomputed").
PACTE_OPINION_MIN_NEW_VOTES = int(env("PACTE_OPINION_MIN_NEW_VOTES", "20"))
PACTE_OPINION_DEBOUNCE_SECONDS = int(env("PACTE_OPINION_DEBOUNCE_SECONDS", "60"))
# With `celery -A config beat` running, consultations with enough new votes get their groups recomputed.
# Every night, the pools of panels closed more than PACTE_POOL_RETENTION_DAYS ago are purged.
# Background tasks that could not reach the broker wait in the outbox (accounts/outbox.py): every this many
# seconds the beat sends those older than the grace period (the request that wrote them may still be
# sending them).
PACTE_OUTBOX_SWEEP_SECONDS = int(env("PACTE_OUTBOX_SWEEP_SECONDS", "60"))
PACTE_OUTBOX_GRACE_SECONDS = int(env("PACTE_OUTBOX_GRACE_SECONDS", "30"))
# The digest of news about one's contributions (analysis/digest.py, docs/notifications.md): every this many
# seconds the beat collects the news and sends what is due ("immediate" choosers hear within this delay);
# weekly digests go out from this weekday (0 = Monday) and hour (TIME_ZONE) on; events older than the
# look-back (days) when first seen are not told.
PACTE_DIGEST_SWEEP_SECONDS = int(env("PACTE_DIGEST_SWEEP_SECONDS", "300"))
PACTE_DIGEST_WEEKDAY = int(env("PACTE_DIGEST_WEEKDAY", "0"))
PACTE_DIGEST_HOUR = int(env("PACTE_DIGEST_HOUR", "8"))
PACTE_DIGEST_LOOKBACK_DAYS = int(env("PACTE_DIGEST_LOOKBACK_DAYS", "30"))
if not (0 <= PACTE_DIGEST_WEEKDAY <= 6 and 0 <= PACTE_DIGEST_HOUR <= 23):
    raise ImproperlyConfigured("PACTE_DIGEST_WEEKDAY is 0 (Monday) to 6, PACTE_DIGEST_HOUR 0 to 23.")
# Every this many seconds the beat moves the open consultations whose closing time has passed to closed
# (consultation/services/closing.py: phase history, audit, public results). Contributions stop at the closing
# time itself, whatever this period (consultation/accepting.py). `python manage.py close_due_consultations`
# does the same once.
PACTE_CLOSING_SWEEP_SECONDS = int(env("PACTE_CLOSING_SWEEP_SECONDS", "60"))
if PACTE_CLOSING_SWEEP_SECONDS < 1:
    raise ImproperlyConfigured("PACTE_CLOSING_SWEEP_SECONDS must be 1 or more seconds.")
CELERY_BEAT_SCHEDULE = {
    "close-due-consultations": {"task": "consultation.close_due", "schedule": PACTE_CLOSING_SWEEP_SECONDS},
    "notification-digests": {"task": "analysis.send_digests", "schedule": PACTE_DIGEST_SWEEP_SECONDS},
    "opinion-groups": {
        "task": "analysis.tasks.check_opinion_groups",
        "schedule": PACTE_OPINION_DEBOUNCE_SECONDS,
    },
    "flush-outbox": {"task": "accounts.flush_outbox", "schedule": PACTE_OUTBOX_SWEEP_SECONDS},
    "purge-volunteer-pools": {
        "task": "deliberation.purge_volunteer_pools",
        "schedule": crontab(hour=3, minute=30),
    },
    "purge-vote-state": {"task": "consultation.purge_vote_state", "schedule": crontab(hour=3, minute=45)},
    "fail-stale-jobs": {"task": "consultation.fail_stale_jobs", "schedule": PACTE_CLOSING_SWEEP_SECONDS},
}
