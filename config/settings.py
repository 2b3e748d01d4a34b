"""The one settings module. Every knob comes from config.env.Environment."""

from __future__ import annotations

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, read_environment

ENV = read_environment()

SECRET_KEY = ENV.secret_key
DEBUG = ENV.debug
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs page (Swagger UI) from its own static files, never a CDN
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "clusterlink.common",
    "clusterlink.accounts",
    "clusterlink.directory",
    "clusterlink.market",
    "clusterlink.matching",
    "clusterlink.events",
    "clusterlink.agreements",
    "clusterlink.procurement",
    "clusterlink.showcase",
    "clusterlink.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "clusterlink.common.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything parses a body (the CSRF check does), in the visitor's language.
    "clusterlink.common.request_limits.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "clusterlink" / "templates"],
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

DATABASES = {"default": dj_database_url.parse(ENV.database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web process share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    (BASE_DIR / "var").mkdir(exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "directory:home"
LOGOUT_REDIRECT_URL = "directory:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English"), ("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "clusterlink" / "locale"]
FORMAT_MODULE_PATH = ["clusterlink.common.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "clusterlink" / "static"]
STATIC_ROOT = ENV.static_root
MEDIA_URL = "media/"
MEDIA_ROOT = ENV.media_root
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = ENV.max_upload_bytes
CLUSTERLINK_MAX_UPLOAD_BYTES = ENV.max_upload_bytes
# A whole request body (clusterlink.common.request_limits): the largest upload, plus 1 MB for the
# form's other fields and the multipart framing; larger bodies get a 413 before they are read.
CLUSTERLINK_MAX_REQUEST_BYTES = ENV.max_upload_bytes + 1_000_000
CLUSTERLINK_LOGIN_ATTEMPTS = ENV.login_attempts_per_window
CLUSTERLINK_LOGIN_ATTEMPTS_PER_ADDRESS = ENV.login_attempts_per_address
CLUSTERLINK_TRUSTED_PROXY_NETWORKS = ENV.trusted_proxy_networks()
CLUSTERLINK_LOGIN_WINDOW_SECONDS = ENV.login_window_seconds
DIRECTORY_CACHE_SECONDS = ENV.directory_cache_seconds

EMAIL_BACKEND = ENV.email_backend
DEFAULT_FROM_EMAIL = ENV.default_from_email

# The database's cache table needs no other server; a deployment with Redis sets
# CLUSTERLINK_CACHE_URL=redis://… (shared by every worker, and no write to the database per
# cached answer).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": ENV.cache_url}
        if ENV.cache_url
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "clusterlink_cache",
        }
    )
}

TASKS = {"default": {"BACKEND": ENV.tasks_backend}}

# The Content Security Policy (clusterlink.common.csp) holds in every mode, so that the demo and
# the tests meet the same policy as production; only upgrading http: sub-requests waits for HTTPS.
CLUSTERLINK_CSP = ENV.content_security_policy
CLUSTERLINK_CSP_UPGRADE_INSECURE_REQUESTS = ENV.production

# HTTPS only in production: the embedded mode (`make demo`) serves http://127.0.0.1:8000, where a
# redirect to https or an HSTS header would lock the browser out of the demo.
if ENV.production:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = ENV.hsts_seconds
    # Not for subdomains nor the preload list: other hosts of the same domain may still be http.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    SECURE_HSTS_PRELOAD = False

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

CLUSTERLINK_SITE_NAME = _("ClusterLink")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if ENV.production
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production the app serves static files straight from their sources (no collectstatic),
# also with DEBUG off as in `make demo`; production serves the collected, hashed files.
WHITENOISE_USE_FINDERS = not ENV.production
WHITENOISE_AUTOREFRESH = not ENV.production
