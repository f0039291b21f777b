"""Anjian settings: one module, every deployment knob read from the environment.

Two modes: the embedded demo (the default: SQLite, a file-system Celery broker, DEBUG on) and
production (``ANJIAN_MODE=production``), which refuses to start with a default secret key or
DEBUG on. See docs/configuration.md for every variable.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from anjian.env import env_bool, env_date, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ANJIAN_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
SHARED_DATA_DIR = Path(env_str("ANJIAN_SHARED_DATA", str(BASE_DIR.parent / "shared" / "data")))

MODE = env_str("ANJIAN_MODE", "demo", choices=("demo", "production"))
PRODUCTION = MODE == "production"
DEMO_SECRET_KEY = "anjian-demo-secret-key-not-for-production-use-0123456789abcdef"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

if PRODUCTION:
    from django.core.exceptions import ImproperlyConfigured

    if SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Production mode needs SECRET_KEY set to 50+ random characters.")
    if DEBUG:
        raise ImproperlyConfigured("Production mode refuses to start with DEBUG on.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "csp",
    "anjian.core",
    "anjian.orgs",
    "anjian.accounts",
    "anjian.enterprises",
    "anjian.risks",
    "anjian.dangers",
    "anjian.monitoring",
    "anjian.accidents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anjian.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "anjian.core.middleware.RequestContextMiddleware",
    "anjian.core.htmx.HtmxCacheMiddleware",
    "anjian.core.middleware.ApiErrorFormatMiddleware",
    "anjian.accounts.middleware.LoginSecurityMiddleware",
]

ROOT_URLCONF = "anjian.urls"
WSGI_APPLICATION = "anjian.wsgi.application"
ASGI_APPLICATION = "anjian.asgi.application"

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
                "anjian.core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'anjian.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Browser tests serve pages from a live server whose threads write concurrently (sessions,
    # htmx requests): an in-memory test database locks whole tables at once, a file in WAL mode
    # waits its turn. `make test-browser` sets this.
    _test_file = env_str("ANJIAN_TEST_SQLITE_FILE", "")
    if _test_file:
        DATABASES["default"]["TEST"] = {"NAME": _test_file}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Server-side parameters, and psycopg prepares a statement on its 2nd execution on a
    # connection. Prepared statements keep one generic plan: left to choose, PostgreSQL
    # re-plans the enterprise list for every request (0.7 ms, twice its execution) because
    # the generic plan's estimate looks worse (docs/enterprises.md, Performance).
    # Behind a transaction-pooling PgBouncer, set DATABASE_PREPARED_STATEMENTS=false.
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": 2,
        "options": "-c plan_cache_mode=force_generic_plan",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Password policy (等保 level 3): 8+ characters, 3 of 4 classes, not the username, not common.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "anjian.accounts.security.CharacterClassesValidator"},
    {"NAME": "anjian.accounts.security.NotContainingUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Lockout (kept in the database: every web node agrees): LOGIN_FAILURE_LIMIT failed steps
# (wrong passwords or one-time codes) on one account within the window lock that account for
# LOGIN_LOCKOUT_SECONDS; a client address is locked only when failures from it within the
# window name LOGIN_ADDRESS_ACCOUNT_LIMIT distinct accounts (credential stuffing; an office
# behind one NAT is not locked out by one person's typos), and even then a user who proves a
# second factor still gets in.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_ACCOUNT_LIMIT = env_int("LOGIN_ADDRESS_ACCOUNT_LIMIT", 20)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
TOTP_ISSUER = env_str("TOTP_ISSUER", "Anjian")
# A password older than this must be changed at the next login (0: never expires).
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90 if PRODUCTION else 0)
LOGIN_ATTEMPT_RETENTION_DAYS = env_int("LOGIN_ATTEMPT_RETENTION_DAYS", 30)
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Internationalisation: Chinese first, English complete beside it.
LANGUAGE_CODE = "zh-hans"
# The language switch names each language in itself (Django's ``name_local``: 简体中文,
# English), never translated: a reader looks for their own language's name, not "英语".
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "anjian" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# ISO first among the input formats of every language: date pickers need it (anjian.core.formats).
FORMAT_MODULE_PATH = "anjian.core.formats"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing one
STATICFILES_DIRS = [BASE_DIR / "anjian" / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {
        "BACKEND": env_str("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Sessions and security (等保 level 3: idle timeout, secure cookies in production).
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag instead
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION


# The enterprise map's base layer: the URL template of a tile server ({z}/{x}/{y}), e.g. the
# intranet's 天地图 or the city's own; empty (the default): no tiles, only the offline city
# boundary, so that the map works without any other host. Its attribution, shown as written.
MAP_TILE_URL = env_str("ANJIAN_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("ANJIAN_MAP_TILE_ATTRIBUTION", "")
if MAP_TILE_URL and not (
    all(part in MAP_TILE_URL for part in ("{z}", "{x}", "{y}"))
    and MAP_TILE_URL.startswith(("https://", "http://", "/"))
):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "ANJIAN_MAP_TILE_URL must be an http(s) or /path URL template with {z}, {x} and {y}."
    )


# Content-Security-Policy in both modes (django-csp): scripts, styles, fonts, connections and
# frames from our own origin only; no inline script, no inline event handler, no inline style
# (the base template's htmx-config keeps htmx from adding one; scripts live in static files).
# Images: our own, plus data: URIs, which Bootstrap's stylesheet uses for its form icons (they
# name no host), plus the map tile server's origin when one is configured.
def _csp_origin(url: str) -> list[str]:
    from urllib.parse import urlsplit

    if not url:
        return []
    parts = urlsplit(url.replace("{s}", "*"))
    return [f"{parts.scheme}://{parts.netloc}"]


CSP_MAP_TILE_ORIGINS = _csp_origin(MAP_TILE_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *CSP_MAP_TILE_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if env_bool("BEHIND_TLS_PROXY", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Background work: Celery with JSON only; an embedded file-system broker needs no service.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "celery-queue"
    for _folder in ("celery-queue", "celery-processed", "celery-control"):
        (VAR_DIR / _folder).mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "purge-old-jobs": {"task": "anjian.core.tasks.purge_old_jobs", "schedule": 24 * 3600.0},
    "purge-old-audit": {"task": "anjian.core.tasks.purge_old_audit", "schedule": 24 * 3600.0},
    # Reminders and escalations of every declared deadline (anjian.core.deadlines): each is
    # claimed once, so a second beat or a restart sends nothing twice.
    "send-deadline-notices": {
        "task": "anjian.core.tasks.send_deadline_notices",
        "schedule": 60.0,
    },
    "purge-login-attempts": {
        "task": "anjian.accounts.tasks.purge_login_attempts",
        "schedule": 24 * 3600.0,
    },
    # Once a day in the morning; a reminder is sent once whatever the schedule (claimed in
    # the database), so a missed or repeated run neither loses nor repeats one.
    "licence-reminders": {
        "task": "anjian.enterprises.tasks.send_licence_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Self-inspection tasks of the current period for every active plan (anjian.dangers).
    "generate-inspection-tasks": {
        "task": "anjian.dangers.tasks.generate_inspection_tasks",
        "schedule": crontab(hour=0, minute=30),
    },
}

CELERY_BEAT_SCHEDULE.update(
    {
        # Monitoring (anjian.monitoring.tasks): offline sensors, aggregates, retention.
        "monitoring-offline": {"task": "anjian.monitoring.tasks.mark_offline", "schedule": 30.0},
        "monitoring-aggregates": {
            "task": "anjian.monitoring.tasks.build_aggregates",
            "schedule": 60.0,
        },
        "monitoring-retention": {
            "task": "anjian.monitoring.tasks.purge_readings",
            "schedule": crontab(hour=3, minute=30),
        },
    }
)

MQTT_URL = env_str("MQTT_URL", "")
# Monitoring (docs/monitoring.md). AQ 3035-2010's sampling, retention and latency figures were
# not found in a published text: they are settings.
MONITORING_ACKNOWLEDGE_MINUTES = env_int("MONITORING_ACKNOWLEDGE_MINUTES", 10)
MONITORING_ALARM_DELAY_SECONDS = env_int("MONITORING_ALARM_DELAY_SECONDS", 0)
MONITORING_HYSTERESIS_PCT = env_int("MONITORING_HYSTERESIS_PCT", 2)
MONITORING_CACHE_SECONDS = env_int("MONITORING_CACHE_SECONDS", 30)
MONITORING_MAX_FUTURE_SECONDS = env_int("MONITORING_MAX_FUTURE_SECONDS", 300)
MONITORING_MAX_AGE_HOURS = env_int("MONITORING_MAX_AGE_HOURS", 72)
MONITORING_HTTP_MAX_BATCH = env_int("MONITORING_HTTP_MAX_BATCH", 10_000)
MONITORING_RAW_RETENTION_DAYS = env_int("MONITORING_RAW_RETENTION_DAYS", 30)
MONITORING_MINUTE_RETENTION_DAYS = env_int("MONITORING_MINUTE_RETENTION_DAYS", 90)
MONITORING_HOUR_RETENTION_DAYS = env_int("MONITORING_HOUR_RETENTION_DAYS", 5 * 365)

# Attachments (anjian.core.attachments): the type is judged by content; these bound the size.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
ATTACHMENT_MAX_PIXELS = env_int("ATTACHMENT_MAX_PIXELS", 60_000_000)
# Object storage when STORAGE_BACKEND=storages.backends.s3.S3Storage (MinIO, OSS, COS, S3).
AWS_STORAGE_BUCKET_NAME = env_str("S3_BUCKET", "")
AWS_S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL", "") or None
AWS_S3_REGION_NAME = env_str("S3_REGION", "") or None
AWS_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY", "") or None
AWS_SECRET_ACCESS_KEY = env_str("S3_SECRET_KEY", "") or None
AWS_DEFAULT_ACL = None  # private objects: files are served only through the checking views
AWS_QUERYSTRING_AUTH = True
AWS_S3_FILE_OVERWRITE = False
# Deadline steps' offsets changed per deployment: {"app.model:kind:step": minutes}.
DEADLINE_OFFSETS: dict[str, int] = {}

# Notifications: the inbox always; these channels besides (email, sms, wecom). SMS and WeCom send
# through SMS_BACKEND / WECOM_BACKEND (a class with send(address, text)); unset, they log.
NOTIFICATION_CHANNELS = env_list("NOTIFICATION_CHANNELS", [])
SMS_BACKEND = env_str("SMS_BACKEND", "")
WECOM_BACKEND = env_str("WECOM_BACKEND", "")

# Mail: console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "anjian@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Retention of operational records (the audit log has its own, at least 180 days).
JOB_RETENTION_DAYS = env_int("JOB_RETENTION_DAYS", 90)
# Licences, standardisation and liability insurance expiring within this many days are
# highlighted and found by the registry's "licence expiring" filter.
LICENCE_EXPIRY_WARNING_DAYS = env_int("LICENCE_EXPIRY_WARNING_DAYS", 30)

# Accidents that occurred on or after this day are coded with GB 6441-2025, older ones keep their
# GB/T 6441-1986 code. Most sources give 2026-07-01, one English draft 2027-01-01 (未核对 /
# unchecked: STANDARDS-FACTS.md §10), hence a setting.
ACCIDENT_TYPES_2025_FROM = env_date("ACCIDENT_TYPES_2025_FROM", "2026-07-01")
# Share of a death quota (per cent) at which the town and the city office are warned, before
# the warning at 100 % (事故控制指标预警).
ACCIDENT_QUOTA_WARNING_PERCENT = env_int("ACCIDENT_QUOTA_WARNING_PERCENT", 80)

# The dossier PDF embeds (a subset of) this TrueType font: AR PL UMing CN, a Song/Ming face, from
# Debian's fonts-arphic-uming (the make targets install it). A .ttc holds several faces:
# DOSSIER_FONT_INDEX picks one (0 is the simplified-Chinese "CN" face).
DOSSIER_FONT = Path(env_str("DOSSIER_FONT", "/usr/share/fonts/truetype/arphic/uming.ttc"))
DOSSIER_FONT_INDEX = env_int("DOSSIER_FONT_INDEX", 0)
# Characters the main font lacks (Hebrew, Arabic, emoji, rare combining marks) are set in the first
# of these that has them (fonts-dejavu-core, fonts-symbola); a missing file is skipped.
DOSSIER_FALLBACK_FONTS = env_list(
    "DOSSIER_FALLBACK_FONTS",
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
    ],
)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 200)

# Spreadsheet uploads (anjian.core.sheets), refused before parsing beyond these: the file's
# size, the unpacked size of an .xlsx/.ods (zip bombs), the rows of one sheet. Larger checks
# and imports than SHEETS_BACKGROUND_ROWS rows run as a background job with progress.
SHEETS_MAX_UPLOAD_BYTES = env_int("SHEETS_MAX_UPLOAD_BYTES", 20_000_000)
SHEETS_MAX_UNCOMPRESSED_BYTES = env_int("SHEETS_MAX_UNCOMPRESSED_BYTES", 200_000_000)
SHEETS_MAX_COMPRESSION_RATIO = env_int("SHEETS_MAX_COMPRESSION_RATIO", 100)
SHEETS_MAX_ROWS = env_int("SHEETS_MAX_ROWS", 100_000)
SHEETS_BACKGROUND_ROWS = env_int("SHEETS_BACKGROUND_ROWS", 3_000)

# Audit log (等保 level 3): kept at least 180 days; a lower value refuses to start.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
if AUDIT_RETENTION_DAYS < 180:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 180 (等保 level 3).")
# The HMAC key of the audit chain; defaults to one derived from SECRET_KEY. Set it separately
# so that rotating SECRET_KEY does not make old records unverifiable.
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY", "")

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "anjian.core.logging.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
