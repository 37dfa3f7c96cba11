"""Briefroom settings, read from environment variables with safe defaults.

Every variable is documented in `.env.example`. `DJANGO_PRODUCTION=true` turns on the
production checks: a secret key and allowed hosts become required, and HTTPS-only
cookies, HSTS and the SSL redirect are switched on.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = env_bool("DJANGO_PRODUCTION", False)
DEBUG = env_bool("DJANGO_DEBUG", False) and not PRODUCTION

if PRODUCTION:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY", "set a long random value in production")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is too short: use at least 50 random characters, e.g. the output"
            " of: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        env_required("DJANGO_ALLOWED_HOSTS", "list the site's host names, comma-separated")
else:
    # A fixed key is fine for a laptop: nothing signed with it leaves the machine.
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-development-key-do-not-use-in-production")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How many proxies of our own stand in front of web, each appending to X-Forwarded-For;
# 0 ignores the header (core/clientip.py). Throttles and login limits key on the result.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")

INSTALLED_APPS = [
    "briefroom.apps.AdminConfig",  # django.contrib.admin, on briefroom/twofactor.py's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "adminsortable2",
    # django-axes and django-otp under our own names for their admin sections.
    "briefroom.apps.LoginAttemptsConfig",
    "django_otp",
    "briefroom.apps.TwoFactorConfig",
    "sources",
    "articles",
    "feeds",
    "digest",
    "api",
    "webhooks",
    "ops",
    "briefroom",
]

MIDDLEWARE = [
    # First: input nothing can use (NUL, bad %-escapes, non-UTF-8) goes no further.
    "briefroom.middleware.InputBoundaryMiddleware",
    # Probes come by IP address, before host validation and the HTTPS redirect.
    "briefroom.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "digest.pagecache.PageCacheMiddleware",  # before sessions: cached public pages skip them
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The admin in the editor's language; public pages in the site's or the digest's.
    "briefroom.middleware.EditorLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave a two-factor code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: answers a locked-out login with the lockout page (briefroom/logins.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "briefroom.urls"
WSGI_APPLICATION = "briefroom.wsgi.application"

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
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Axes first: it refuses a locked-out client before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins (briefroom/logins.py): after LOGIN_FAILURE_LIMIT failures from one client
# address, or for one user name, logins from there or as that name are refused until
# LOGIN_COOLOFF_MINUTES after the last failure.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "briefroom.logins.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ENABLE_ADMIN = False  # briefroom/admin.py lists the attempts, in the editor's language
AXES_VERBOSE = False  # no start-up banner; briefroom/logins.py logs each failure
# Two-factor (briefroom/twofactor.py): the name the authenticator app lists the account under.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Briefroom")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env_str("DJANGO_LANGUAGE_CODE", "zh-hans")
# Every screen is in one of these; the catalogues are in locale/ (`make messages` updates them).
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if env_str("AWS_STORAGE_BUCKET_NAME"):
    # Media on S3-compatible storage, so several web and worker machines share one set of files.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN") or None,
            "file_overwrite": False,
        },
    }

# Redis is optional: without it the cache is per process and Celery runs tasks in-process.
# While Redis is unreachable the cache answers as a miss (core/cache.py): pages render
# from the database and saves complete.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.DegradingRedisCache",
            "LOCATION": env_str("CACHE_REDIS_URL", REDIS_URL),
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "briefroom"),
            "TIMEOUT": env_int("CACHE_TIMEOUT", 3600),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": env_int("CACHE_TIMEOUT", 3600),
        }
    }

# Celery: one settings block, time limits included.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Without a broker, run queued work on a small in-process thread pool instead of inside
# the request, so pasting fifty URLs returns at once (`make run` turns this on).
TASKS_IN_THREADS = env_bool("TASKS_IN_THREADS", False) and CELERY_TASK_ALWAYS_EAGER
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Keep a worker's database connection across tasks instead of reconnecting for each one
# (Celery's Django fixup reads this name as is; conn_health_checks drops a broken one).
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90)
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish that cannot reach Redis must not hang the request: give up fast, the sweeper retries.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600),
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 1,
}
CELERY_TIMEZONE = TIME_ZONE
# Fail fast when the broker is down: the request completes and the sweeper re-queues.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_ROUTES = {
    "articles.tasks.fetch_article": {"queue": "fetch"},
    "articles.tasks.fetch_article_image": {"queue": "images"},
    "webhooks.tasks.deliver_webhook": {"queue": "webhooks"},
}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "sweep-stuck-articles": {
        "task": "articles.tasks.sweep_stuck_articles",
        "schedule": env_int("FETCH_SWEEP_INTERVAL", 120),
    },
    "publish-due-issues": {
        "task": "digest.tasks.publish_due_issues",
        "schedule": 60,
    },
    "sweep-pending-webhook-deliveries": {
        "task": "webhooks.tasks.sweep_pending_deliveries",
        "schedule": 300,
    },
}
# Beat sends the heartbeat, a worker runs it, /readyz checks its age (ops/heartbeat.py).
WORKER_HEARTBEAT_INTERVAL = env_int("WORKER_HEARTBEAT_INTERVAL", 30)  # seconds
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 120)  # seconds
CELERY_BEAT_SCHEDULE["worker-heartbeat"] = {
    "task": "ops.tasks.worker_heartbeat",
    "schedule": WORKER_HEARTBEAT_INTERVAL,
    # Heartbeats queued while no worker runs are worthless once one is back.
    "options": {"expires": WORKER_HEARTBEAT_INTERVAL},
}
# Whole public responses cached for anonymous readers (digest/pagecache.py). Entries are
# dropped by any change to what they show; the timeout only bounds the cache's memory.
PAGECACHE_ENABLED = env_bool("PAGECACHE_ENABLED", True)
PAGECACHE_TIMEOUT = env_int("PAGECACHE_TIMEOUT", 3600)  # seconds
# Paths whose responses depend on the Accept header (the API's JSON or browsable HTML).
PAGECACHE_ACCEPT_PREFIXES = env_list("PAGECACHE_ACCEPT_PREFIXES", "/api/")
# How long a web process trusts the content version it last read from the database, in
# milliseconds: an edit made in another process reaches anonymous readers within this.
# The editing process itself sees its change at once. 0 reads the version on every request.
PAGECACHE_VERSION_CHECK_MS = env_int("PAGECACHE_VERSION_CHECK_MS", 1000)
# Bytes of responses each web process keeps in its own memory, in front of the shared cache.
PAGECACHE_LOCAL_BYTES = env_int("PAGECACHE_LOCAL_BYTES", 16 * 1024 * 1024)

# Outbound fetching of editor-supplied URLs.
FETCH_ALLOWLIST = env_list("FETCH_ALLOWLIST")
FETCH_USER_AGENT = env_str(
    "FETCH_USER_AGENT", "Mozilla/5.0 (compatible; Briefroom/0.1; +https://github.com/briefroom)"
)
ARXIV_API_URL = env_str("ARXIV_API_URL", "https://export.arxiv.org/api/query")
GITHUB_API_URL = env_str("GITHUB_API_URL", "https://api.github.com")
GITHUB_TOKEN = env_str("GITHUB_TOKEN")
HF_API_URL = env_str("HF_API_URL", "https://huggingface.co/api")
FETCH_RETRY_BASE_SECONDS = env_int("FETCH_RETRY_BASE_SECONDS", 10)
FETCH_RETRY_MAX_SECONDS = env_int("FETCH_RETRY_MAX_SECONDS", 600)
FETCH_SWEEP_PENDING_AFTER = env_int("FETCH_SWEEP_PENDING_AFTER", 120)
FETCH_SWEEP_FETCHING_AFTER = env_int("FETCH_SWEEP_FETCHING_AFTER", 900)
# Only these ports unless a FETCH_ALLOWLIST entry names the host:port.
FETCH_ALLOWED_PORTS = [int(port) for port in env_list("FETCH_ALLOWED_PORTS", "80,443")]
FETCH_CONNECT_TIMEOUT = env_int("FETCH_CONNECT_TIMEOUT", 5)  # seconds
FETCH_TOTAL_TIMEOUT = env_int("FETCH_TOTAL_TIMEOUT", 20)  # seconds, redirects included
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 5 * 1024 * 1024)  # pages and API answers
FETCH_CA_BUNDLE = env_str("FETCH_CA_BUNDLE")  # a PEM file; empty: the system's CAs
# Minimum seconds between requests to one host, shared by all workers through the cache.
FETCH_HOST_INTERVALS = env_list("FETCH_HOST_INTERVALS", "export.arxiv.org=3,mp.weixin.qq.com=1")
FETCH_POLITE_MAX_WAIT = env_int("FETCH_POLITE_MAX_WAIT", 30)  # longer queues retry later
# Feeds that sources publish (feeds/): polled by Celery beat, new items into digest inboxes.
FEED_POLL_INTERVAL_MINUTES = env_int("FEED_POLL_INTERVAL_MINUTES", 60)
FEED_ENQUEUE_INTERVAL = env_int("FEED_ENQUEUE_INTERVAL", 60)  # seconds between due-feed scans
FEED_FIRST_POLL_ITEMS = env_int("FEED_FIRST_POLL_ITEMS", 20)  # a new feed's newest items taken
FEED_MAX_ITEMS = env_int("FEED_MAX_ITEMS", 200)  # newest items read per poll; the rest skipped
FEED_MAX_BYTES = env_int("FEED_MAX_BYTES", 5 * 1024 * 1024)
FEED_PAUSE_AFTER_GONE = env_int("FEED_PAUSE_AFTER_GONE", 3)  # 404/410 answers in a row
# arXiv announces new listings at 20:00 US Eastern, Sunday to Thursday; poll after that.
FEED_ARXIV_POLL_AT = env_str("FEED_ARXIV_POLL_AT", "20:30")
FEED_ARXIV_TIME_ZONE = env_str("FEED_ARXIV_TIME_ZONE", "America/New_York")
FEED_ARXIV_MAX_RESULTS = env_int("FEED_ARXIV_MAX_RESULTS", 100)
CELERY_BEAT_SCHEDULE["enqueue-due-feeds"] = {
    "task": "feeds.tasks.enqueue_due_feeds",
    "schedule": FEED_ENQUEUE_INTERVAL,
    "options": {"expires": FEED_ENQUEUE_INTERVAL},
}
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 30_000_000)  # larger images are refused
IMAGE_THUMB_WIDTH = env_int("IMAGE_THUMB_WIDTH", 480)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/min"),
        "user": env_str("API_THROTTLE_USER", "600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Briefroom API",
    "DESCRIPTION": "Digests, issues, entries, articles and sources of a Briefroom newsroom.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page's assets come from the package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "digest.models.Issue.Status",
        "FeedStatusEnum": "feeds.models.Feed.Status",
        "FeedKindEnum": "feeds.models.Feed.Kind",
        "InboxStateEnum": "feeds.models.InboxItem.State",
        "StateEnum": "webhooks.models.WebhookDelivery.State",
    },
}

LOGIN_URL = "admin:login"

LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "filters": {"client_error": {"()": "core.logfilters.ClientErrorAsWarning"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # A SuspiciousOperation is answered 400: the client's mistake, logged at WARNING. A
        # logger's filter sees only its own records, so each of Django's is named.
        **{
            f"django.security.{name}": {"filters": ["client_error"]}
            for name in (
                "SuspiciousOperation",
                "DisallowedHost",
                "DisallowedRedirect",
                "TooManyFieldsSent",
                "TooManyFilesSent",
                "RequestDataTooBig",
                "SuspiciousFileOperation",
                "SuspiciousMultipartForm",
                "SuspiciousSession",
                "InvalidSessionKey",
            )
        },
    },
}
# Workers and beat log through LOGGING too (JSON in production), not Celery's own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Optional error reporting; needs sentry-sdk installed (system check ops.W001 says if not).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from ops.errors import error_reporting_init

    error_reporting_init(dsn=SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"))

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a commitment made by submitting the domain to hstspreload.org, and a
        # preload header lets anyone submit it: it stays opt-in (DJANGO_SECURE_HSTS_PRELOAD).
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Outgoing webhooks: signed POSTs retried with exponential backoff on transient failures.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 5)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_RETRY_MAX_SECONDS = env_int("WEBHOOK_RETRY_MAX_SECONDS", 3600)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
