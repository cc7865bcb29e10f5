"""Settings shared by every stack. The embedded default (SQLite + filesystem broker) needs no env."""

import base64
import datetime
import hashlib
from pathlib import Path

from celery.schedules import crontab
from cryptography.fernet import Fernet
from django.utils.translation import gettext_lazy as _

from config.env import ConfigError, env_bool, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("APP_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "embedded-default-not-secret-change-me-in-production-0123456789")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "core.staticfiles.StaticFiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_celery_beat",
    "viewflow",
    "viewflow.workflow",
    "core",
    "accounts",
    "plans",
    "inspections",
    "notifications",
    "deadlines",
    "obligations",
    "dashboards",
    "emulation",
    "registers",
    "signing",
    "restructuring",
    "demo",
    "workflows",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.request_cache.RequestCacheMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.SessionTimeoutMiddleware",
    "core.outage.DatabaseOutageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "notifications.context_processors.unread",
            ],
        },
    }
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
# SQLite cannot hold the one-programme-per-issuer-and-year constraint (nulls not distinct);
# inspections.services.programme_create checks it there, PostgreSQL does both.
# guardian.W001 looks for its own backend by name; accounts.permissions is that backend, asked
# through one checker per request.
SILENCED_SYSTEM_CHECKS = ["models.W047", "guardian.W001"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the Celery worker writes; the timeout rides out
    # short write locks instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.permissions.RequestObjectPermissionBackend",
]
# Guardian's anonymous user would be one more row in every permission query; we never grant
# anything to anonymous visitors.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    # full_name: Vietnamese names live there, not in first_name/last_name.
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ["username", "full_name", "email"]}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# Ours first (makemessages writes there); then translations of third-party strings that ship no vi.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "vendor_locale" / "viewflow", BASE_DIR / "vendor_locale" / "django"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files are served only through permission-checked views, never under a public URL.
MEDIA_URL = "/_protected_media/"

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "kehoach@localhost")

# Domain data shipped with the repository (copied from the province's real documents).
DEMO_DATA_DIR = BASE_DIR / "demo_data"

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that DRF answers a missing or bad credential with 401 + WWW-Authenticate: Token.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.CappedPagination",
    "PAGE_SIZE": 50,  # 100 rows cost the centre 109 ms p95 to serialise (docs/benchmarks.md)
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kế hoạch & Kiểm tra API",
    "DESCRIPTION": "Plans, assignments, reports and inspections of the Youth Union unit tree.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Assets from the sidecar package: the officers' machines and ours have no CDN access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery ----------------------------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    BROKER_DIR.mkdir(parents=True, exist_ok=True)
    (BROKER_DIR / "processed").mkdir(exist_ok=True)
    (BROKER_DIR / "control").mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # kombu's default is ./control, relative to wherever the process happens to start.
        "control_folder": str(BROKER_DIR / "control"),
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
else:
    # Longer than any countdown or ETA we ever schedule, so Redis never redelivers a task
    # that a live worker still holds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 43200)}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "sync-position-groups": {
        "task": "accounts.tasks.sync_position_groups",
        # Just after midnight local time, when positions start or end.
        "schedule": crontab(hour=0, minute=5),
    },
    "deadlines-sweep": {
        # Reminders, overdue notices and escalations due by now; each sent once (deadlines.sweep).
        "task": "deadlines.tasks.sweep",
        "schedule": crontab(minute="*/5"),
    },
    "obligations-generate": {
        # Periodic report requests whose moment has come; once per period (obligations.services).
        "task": "obligations.tasks.generate_due",
        "schedule": crontab(minute="*/15"),
    },
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

SITE_TITLE = _("Plans and inspections")

# Document numbers: see core/numbering.py. Youth Union practice: per kind, per congress term.
DOCUMENT_NUMBERING = {
    "style": env_str("DOCUMENT_NUMBER_STYLE", "party"),
    "period": env_str("DOCUMENT_NUMBER_PERIOD", "term"),
    "per_kind": True,
    "term_first_year": env_int("DOCUMENT_TERM_FIRST_YEAR", 2022),
    "term_years": 5,
}
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)

# Deadlines counted in working days end when offices close.
WORKDAY_ENDS_AT = datetime.time(17, 0)
# On-time score (DESIGN.md §7): (on time + weight × late) ÷ judged work; dashboards.ontime.
ON_TIME_LATE_WEIGHT = 0.7

# --- Sessions, API tokens and headers (issue 12) ---
# A session ends after 30 minutes without a request and 12 hours after the login, whichever
# comes first (core.middleware.SessionTimeoutMiddleware, which also tells the person why).
SESSION_IDLE_TIMEOUT = datetime.timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = datetime.timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 12))
# The last-seen moment is written at most this often: an UPDATE per request otherwise (issue 16).
SESSION_TOUCH_EVERY = datetime.timedelta(seconds=env_int("SESSION_TOUCH_SECONDS", 60))
# How long the inbox keeps a person's order, groups and choices while their open tasks stay the
# same (workflows.inbox): a moved due moment shows in the order within it. 0 keeps nothing.
INBOX_SUMMARY_SECONDS = env_int("INBOX_SUMMARY_SECONDS", 30)
# Django's own expiry as the backstop: neither the cookie nor the stored session outlives the
# absolute limit. It is not the idle limit itself, because an expired row can no longer say
# "your session ended" on the login page.
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True

# API tokens (django-rest-knox): stored as digests, shown once, expiring, never extended by use.
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=env_int("API_TOKEN_TTL_DAYS", 30)),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": env_int("API_TOKEN_LIMIT_PER_USER", 5),
    "AUTH_HEADER_PREFIX": "Token",
}

# Content-Security-Policy (django-csp): no inline script, style or handler anywhere; the
# Swagger UI page relaxes style-src for itself only (config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Nothing here uses the camera, the microphone, the position or payments: refuse them all.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "hid", "magnetometer", "microphone", "midi", "payment", "serial", "usb",
    )
}

# --- Work that survives faults (issue 12) ---
# The SMTP backend's socket timeout, in seconds: a mail server that accepts the connection and
# never answers fails the send after this long instead of holding a worker for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 15)
# notifications.emails claims at most EMAIL_CLAIM_BATCH rows at a time and holds them for the
# lease; a claim older than that belongs to a sender that died (SIGKILL, OOM, power) and is taken
# again by the next send or by the sweep below. It must outlast a whole batch sent at the
# timeout's pace, or a live sender's rows could be taken and sent twice.
EMAIL_CLAIM_BATCH = env_int("EMAIL_CLAIM_BATCH", 20)
EMAIL_CLAIM_LEASE = datetime.timedelta(seconds=env_int("EMAIL_CLAIM_LEASE", 600))
if EMAIL_CLAIM_BATCH < 1 or EMAIL_CLAIM_LEASE.total_seconds() <= EMAIL_TIMEOUT * EMAIL_CLAIM_BATCH:
    raise ConfigError(
        f"Environment variable EMAIL_CLAIM_LEASE={EMAIL_CLAIM_LEASE.total_seconds():g} must be longer than "
        f"EMAIL_TIMEOUT={EMAIL_TIMEOUT} × EMAIL_CLAIM_BATCH={EMAIL_CLAIM_BATCH} seconds (and the batch at least 1)."
    )
CELERY_BEAT_SCHEDULE["notifications-email-sweep"] = {
    # E-mails whose task was never queued (broker down), ran out of retries, or died holding the
    # claim; sent once like any other (notifications.emails.unsent_emails_send).
    "task": "notifications.tasks.send_unsent_emails",
    "schedule": crontab(minute="*/5"),
}

# --- Login: lockout, passwords, two-factor (issue 12) ---
# django-axes. Every setting we rely on is written out, so an upgrade that changes a default
# changes nothing here. Five failures for one account from one address lock that pair (not the
# whole account: a guesser elsewhere cannot lock the real officer out of their own office).
AXES_ENABLED = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_LOCK_OUT_AT_FAILURE = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
# Guessing on during the lockout starts the 30 minutes again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
# A successful login (password step) forgets earlier typos; wrong 2FA codes are counted too
# (accounts.views_login.verify), and django-otp's own throttling grows with each wrong code.
AXES_RESET_ON_SUCCESS = True
AXES_USE_ATTEMPT_EXPIRATION = False
AXES_ONLY_ADMIN_SITE = False
AXES_NEVER_LOCKOUT_GET = False
AXES_NEVER_LOCKOUT_WHITELIST = False
AXES_ONLY_WHITELIST = False
AXES_IP_WHITELIST = None
AXES_IP_BLACKLIST = None
AXES_USERNAME_FORM_FIELD = "username"
AXES_PASSWORD_FORM_FIELD = "password"
AXES_USERNAME_CALLABLE = None
AXES_WHITELIST_CALLABLE = None
AXES_LOCKOUT_CALLABLE = None
AXES_LOCKOUT_URL = None
# Our page in the site's layout, in Vietnamese (axes ships no Vietnamese), HTTP 429.
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Admin > Axes: "Access attempts" lists locks (delete a row to unlock at once), "Access failures"
# keeps every failed attempt, "Access logs" the successful logins and logouts.
AXES_ENABLE_ADMIN = True
AXES_DISABLE_ACCESS_LOG = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 1000
AXES_VERBOSE = True
AXES_SENSITIVE_PARAMETERS = ["password", "code"]
# The client address: REMOTE_ADDR unless the deployment sits behind a proxy that sets a header it
# controls (then e.g. AXES_IP_HEADERS=HTTP_X_FORWARDED_FOR and AXES_PROXY_COUNT=1).
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(env_list("AXES_IP_HEADERS", ["REMOTE_ADDR"]))
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None
AXES_IPWARE_PROXY_ORDER = "left-most"

# Two-factor (django-otp, TOTP + recovery codes): who must have it is accounts.two_factor
# .two_factor_required; this switch turns the requirement on (an enrolled user is always asked).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = "Kế hoạch & Kiểm tra"
# Each wrong code doubles the wait before the next one is checked (1 s, 2 s, 4 s, …).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Failed logins, lockouts (axes) and two-factor enrolments and resets reach the log at INFO.
LOGGING.setdefault("loggers", {}).update({
    # Levels only: the records go on to the root's console handler (and to pytest's caplog).
    "axes": {"level": "INFO"},
    "accounts": {"level": "INFO"},
})

# --- Tamper-evident audit (issue 12) ---------------------------------------------------------
# Two PostgreSQL roles (docs/security.md, "Audit and database roles"): DATABASE_URL is the app's
# runtime role, which may only SELECT and INSERT audit rows (`manage.py db_roles`); the optional
# DATABASE_OWNER_URL is the owner of the tables, for `migrate --database owner`, `db_roles` and
# `audit_purge`. The same database, so tests mirror it instead of creating a second one.
if env_str("DATABASE_OWNER_URL", ""):
    DATABASES["owner"] = env_database("DATABASE_OWNER_URL", "")
    DATABASES["owner"]["TEST"] = {"MIRROR": "default"}
# How long audit rows are kept before `audit_purge` may delete them; a state body keeps a year at least.
AUDIT_RETENTION_MONTHS = env_int("AUDIT_RETENTION_MONTHS", 24)
if AUDIT_RETENTION_MONTHS < 12:
    raise ConfigError(f"Environment variable AUDIT_RETENTION_MONTHS={AUDIT_RETENTION_MONTHS} is below 12 months.")

# --- Safe parsing of uploaded files, backup (issue 12) ---
# Every uploaded .xlsx/.docx is judged by its ZIP directory before it is parsed or stored
# (core.ooxml): at most this many bytes once inflated, in all parts together.
OOXML_MAX_INFLATED_BYTES = env_int("OOXML_MAX_INFLATED_BYTES", 50 * 1024 * 1024)
if OOXML_MAX_INFLATED_BYTES < 1024 * 1024:
    raise ConfigError(f"Environment variable OOXML_MAX_INFLATED_BYTES={OOXML_MAX_INFLATED_BYTES} is below 1 MB.")
# Where `manage.py backup` writes its archive when no --output is given.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))

# --- Official documents, .docx and PDF (issue 13) ---
# LibreOffice headless makes the PDFs (core.pdf); without it the .docx is still served and the PDF
# link says the server lacks it. Debian puts soffice in /usr/bin (apt: libreoffice-writer-nogui).
SOFFICE_PATH = env_str("SOFFICE_PATH", "/usr/bin/soffice")
PDF_TIMEOUT_SECONDS = env_int("PDF_TIMEOUT_SECONDS", 120)
if PDF_TIMEOUT_SECONDS < 5:
    raise ConfigError(f"Environment variable PDF_TIMEOUT_SECONDS={PDF_TIMEOUT_SECONDS} is below 5 seconds.")

# --- Digital signatures (issue 13, signing app) ---
# Fernet keys (urlsafe base64 of 32 bytes) that seal the PKCS#12 archives kept for signing on the
# server; the first seals, all open (rotation). The embedded default derives one from SECRET_KEY;
# production must set its own (config/settings/production.py refuses to start without it).
SIGNING_KEYS = env_list("SIGNING_KEYS", [])
if not SIGNING_KEYS:
    SIGNING_KEYS = [base64.urlsafe_b64encode(hashlib.sha256(("signing|" + SECRET_KEY).encode()).digest()).decode()]
for _key in SIGNING_KEYS:
    try:
        Fernet(_key)
    except ValueError as _error:
        raise ConfigError("Environment variable SIGNING_KEYS holds a value that is not a Fernet key "
                          "(urlsafe base64 of 32 bytes).") from _error
# A signed PDF uploaded from a person's own signing tool is refused above this size.
SIGNING_MAX_UPLOAD_BYTES = env_int("SIGNING_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
