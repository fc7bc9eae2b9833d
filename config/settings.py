"""Lumbung settings, read from the environment (django-environ).

Defaults serve a laptop: SQLite, the embedded (filesystem) Celery broker and files under ``var/``.
Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS and, for S3-compatible
storage, the AWS_* variables (see README.md).
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Importing these settings creates nothing: each folder under VAR_DIR is made by what writes there (the
# SQLite backend config/sqlite3/, the broker's folders config/celery_app.py, Django's storage and mail).
VAR_DIR = Path(env("LUMBUNG_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default=None)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_results",
    "django_celery_beat",
    "axes",
    "simple_history",
    "csp",
    "registry",
    "catalog",
    "replication",
    "templates_repo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (settings below).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change in the audit trail (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused by django-axes into the lockout page or JSON (config.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
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

WSGI_APPLICATION = "config.wsgi.application"

# Database ----------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'lumbung.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, creating the database file's folder on the first connection. The test database
    # is named by the test configuration (tests/conftest.py).
    DATABASES["default"]["ENGINE"] = "config.sqlite3"
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's default random_page_cost (4) prices a disk that seeks; with the catalog in memory or on
    # SSD, 1.1 (the usual setting there) lets it read a common search word's matches from the text index
    # instead of scanning every app's text: "sulawesi" at 100,000 apps 332 -> 45 ms (README, long tail).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", f"-c random_page_cost={env.float('PG_RANDOM_PAGE_COST', default=1.1)}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: catalog pages, counts and facets are cached and invalidated by a version number bumped on
# every catalog write. Several processes or machines need a shared cache (redis://...) for that.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://lumbung")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # An unreachable Redis degrades to uncached answers, never to errors (config/cache.py), and is given
    # up on quickly rather than holding a request.
    CACHES["default"]["BACKEND"] = "config.cache.FailSoftRedisCache"
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 0.5)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 0.5)

# Auth -------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): the backend refuses a locked-out username on the IP address it
# failed from, before the password is checked. Staff unlock in the admin (Axes > Access attempts)
# or with `manage.py axes_reset_username <name>`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Behind a reverse proxy the client address is in X-Forwarded-For; AXES_IPWARE_PROXY_COUNT says how
# many proxies to trust (without them, every client would share the proxy's address and lock together).
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "registry:workspace-index"  # a member lands on their region's workspace
LOGOUT_REDIRECT_URL = "/"

# Internationalisation: Bahasa Indonesia first, English second ----------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# Static and media files -------------------------------------------------------------------------
STATIC_URL = "static/"
# Filled by `collectstatic`. With DEBUG off WhiteNoise warns when it is missing (it serves nothing then).
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))

if env("AWS_STORAGE_BUCKET_NAME", default=""):
    # S3-compatible object storage (AWS S3, MinIO, ...) through django-storages; credentials and
    # endpoint come from the AWS_* variables that django-storages reads.
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        # Hashed, compressed names need `collectstatic`; development and the test suite use plain names.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# E-mail: the console in development; EMAIL_URL (smtp://user:pass@host:587) in production ------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
if EMAIL_CONFIG["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Lumbung <noreply@lumbung.local>")
# A mail server that hangs must not hold a notice's transaction (and SQLite's write lock) open for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The site's public address for links in e-mails and calendars (https://lumbung.example); empty: https and
# the first public name in ALLOWED_HOSTS (replication/ics.py site_url).
LUMBUNG_SITE_URL = env("LUMBUNG_SITE_URL", default="").rstrip("/")

# Django REST framework and the OpenAPI schema -----------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous write is answered 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Reads open, writes signed in (401 otherwise); writing an object asks registry.permissions.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
        "registry.permissions.RegionObjectPermission",
    ],
    # DRF's three, refusing NUL characters (PostgreSQL cannot compare them: a 500 otherwise).
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "config.parsers.FormParser",
        "config.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.exception_handler",
    # Per client: anonymous by IP address, signed-in by user; counted in the default cache (on Redis, one
    # counter per client and window: config/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttling.AnonRateThrottle",
        "config.throttling.SignedInRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/minute"),
        "user": env("API_THROTTLE_USER", default="600/minute"),
        # A template preview renders a whole project: per user, on top of the "user" rate.
        "preview": env("API_THROTTLE_PREVIEW", default="30/minute"),
        # A copy reports once a month (a few months at once when it catches up): per reporting key.
        "reporting": env("API_THROTTLE_REPORTING", default="60/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lumbung API",
    "DESCRIPTION": "Regions, MoUs, study visits, apps and templates shared between Indonesian regions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Request bodies as JSON: a form cannot say null, nor nest parties in an MoU. The endpoints that take a
    # file upload document their multipart form themselves.
    "PARSER_WHITELIST": ["config.parsers.JSONParser", "rest_framework.parsers.JSONParser"],
    # Swagger UI served by the site itself, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The enum hook is drf-spectacular's default; the second adds the throttles' 429 to every operation.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.add_throttled_responses",
        # The errors DRF answers every view with: 400, 401, 403, 404, 415 where they apply.
        "config.openapi.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RegionKindEnum": "registry.choices.RegionKind",
        "AgencyKindEnum": "registry.choices.AgencyKind",
        "VisitKindEnum": "registry.choices.VisitKind",
        "MoUStatusEnum": "registry.choices.MoUStatus",
        "MemberRoleEnum": "registry.choices.MemberRole",
        "DevelopmentStatusEnum": "catalog.choices.DevelopmentStatus",
        "ForkStatusEnum": "templates_repo.choices.ForkStatus",
    },
}

# Celery ------------------------------------------------------------------------------------------
# Default broker: files under var/, so no server is needed on a laptop. kombu's own filesystem transport
# lets a reader see half-written files (its issue #1551: it stopped `make run`'s worker); config/broker.py
# is that transport with atomic writes and claims, and a "filesystem://" URL is given it too.
# "localhost" only so that kombu does not warn of a missing host name: the transport has none.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="lumbungfs://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_URL = "lumbungfs://" + CELERY_BROKER_URL.removeprefix("filesystem://")
if CELERY_BROKER_URL.startswith("lumbungfs://"):
    _broker_dir = BASE_DIR / env("CELERY_FS_BROKER_DIR", default=str(VAR_DIR / "celery-broker"))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "polling_interval": 0.05,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60  # below the broker's visibility timeout
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fix-up closes the database connection before and after every task unless this is set;
# opening one takes longer than a fork's own queries. It closes them every 100 tasks instead, and
# config/celery_app.py after any task that failed (a time limit can interrupt a query mid-way).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=100)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# How often beat runs the fork sweeper (forks left queued by a broker outage, or held by a dead worker).
LUMBUNG_FORK_SWEEP_SECONDS = env.float("LUMBUNG_FORK_SWEEP_SECONDS", default=10.0)
CELERY_BEAT_SCHEDULE = {
    "registry-mou-expiry-notices": {
        "task": "registry.tasks.send_mou_expiry_notices",
        "schedule": crontab(hour=7, minute=0),
    },
    # Reminders of tomorrow's bimtek sessions, questions unanswered for 3 working days, overdue action
    # items (CELERY_TIMEZONE: 07:00 in Asia/Jakarta).
    "replication-daily-notices": {
        "task": "replication.tasks.send_daily_notices",
        "schedule": crontab(hour=7, minute=0),
    },
    "templates-repo-sweep-forks": {
        "task": "templates_repo.tasks.sweep_forks",
        "schedule": LUMBUNG_FORK_SWEEP_SECONDS,
    },
    "catalog-sweep-import-jobs": {
        "task": "catalog.tasks.sweep_import_jobs",
        "schedule": 60.0,
    },
}

# Content-Security-Policy (django-csp) and Permissions-Policy ----------------------------------------
# Everything from the site itself; no inline script or style on any page (the templates load theirs
# from config/static/lumbung/, Swagger UI its script from a URL). data: images are Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# No page of the site needs any of these; a script injected despite the CSP gets none of them either.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "geolocation", "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip

# Lumbung -----------------------------------------------------------------------------------------
# Mounts the reference views of bench/ (a bare JsonResponse, a naive icontains search) and its header
# counting the cached answers each request used.
LUMBUNG_BENCH = env.bool("LUMBUNG_BENCH", default=False)
if LUMBUNG_BENCH:
    MIDDLEWARE.insert(0, "bench.middleware.CacheLookupsHeader")
LUMBUNG_MOU_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
LUMBUNG_MATERIAL_MAX_BYTES = 20 * 1024 * 1024  # a bimtek session's slides or PDF
LUMBUNG_MOU_EXPIRY_NOTICE_DAYS = 30
# Forks: limits per render, and how long a worker holds a fork without renewing its lease.
LUMBUNG_FORK_MAX_FILES = env.int("LUMBUNG_FORK_MAX_FILES", default=500)
LUMBUNG_FORK_MAX_BYTES = env.int("LUMBUNG_FORK_MAX_BYTES", default=20 * 1024 * 1024)
LUMBUNG_FORK_MAX_SECONDS = env.float("LUMBUNG_FORK_MAX_SECONDS", default=120.0)
# A rendering worker renews its lease every third of it (templates_repo/leases.py), so a dead worker's fork
# is taken over within seconds while a live one keeps it however long the render takes.
LUMBUNG_FORK_LEASE_SECONDS = env.int("LUMBUNG_FORK_LEASE_SECONDS", default=15)
LUMBUNG_FORK_REQUEUE_AFTER_SECONDS = env.int("LUMBUNG_FORK_REQUEUE_AFTER_SECONDS", default=60)
# Inventory imports (catalog.importers): limits checked before a file is parsed, and the size above which
# an import runs in a Celery task with a progress page instead of during the request.
LUMBUNG_IMPORT_MAX_BYTES = env.int("LUMBUNG_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
LUMBUNG_IMPORT_MAX_ROWS = env.int("LUMBUNG_IMPORT_MAX_ROWS", default=20_000)
LUMBUNG_IMPORT_MAX_UNPACKED_BYTES = env.int("LUMBUNG_IMPORT_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024)
LUMBUNG_IMPORT_MAX_COMPRESSION_RATIO = env.int("LUMBUNG_IMPORT_MAX_COMPRESSION_RATIO", default=100)
LUMBUNG_IMPORT_MAX_ZIP_MEMBERS = env.int("LUMBUNG_IMPORT_MAX_ZIP_MEMBERS", default=100)
LUMBUNG_IMPORT_BACKGROUND_ROWS = env.int("LUMBUNG_IMPORT_BACKGROUND_ROWS", default=200)
LUMBUNG_IMPORT_BACKGROUND_BYTES = env.int("LUMBUNG_IMPORT_BACKGROUND_BYTES", default=1024 * 1024)
# A background import still queued this long after it was sent is sent again (beat: sweep_import_jobs).
LUMBUNG_IMPORT_REQUEUE_AFTER_SECONDS = env.int("LUMBUNG_IMPORT_REQUEUE_AFTER_SECONDS", default=60)
# The import task's hard time limit (the soft one a minute less): below Redis's visibility timeout.
LUMBUNG_IMPORT_TIME_LIMIT_SECONDS = env.int("LUMBUNG_IMPORT_TIME_LIMIT_SECONDS", default=45 * 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Behind a TLS-terminating proxy: redirect plain HTTP and tell browsers to stay on HTTPS.
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SESSION_COOKIE_SECURE)
    # A year, the least browsers' HSTS preload lists and `check --deploy` accept; subdomains included
    # unless a subdomain still serves plain HTTP. Preload only when asked: leaving the list takes months.
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if SESSION_COOKIE_SECURE else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # W021 asks for preload; off by choice (above), so the deploy check can fail on every warning.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
