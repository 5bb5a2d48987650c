"""Django settings. Everything that varies per installation comes from ``config.from_env``."""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from pilkada.config import from_env

CONFIG = from_env()
PACKAGE_DIR = Path(__file__).resolve().parent

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts
PILKADA_DATA_DIR = CONFIG.data_dir

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "pilkada.core",
    "pilkada.audit",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "pilkada.regions",
    "pilkada.elections",
    "pilkada.tallies",
    "pilkada.voters",
    "pilkada.access",
    "pilkada.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pilkada.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pilkada.core.middleware.SessionLimitsMiddleware",
    "pilkada.core.ratelimit.RateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pilkada.urls"
WSGI_APPLICATION = "pilkada.wsgi.application"

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
                "pilkada.access.context.rights",
            ],
        },
    },
]

DATABASES = {"default": CONFIG.database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# Background jobs (the DPT upload's check and store) are rows in the database, run by the
# worker that `pilkada serve` starts beside the web server (`pilkada worker` runs one alone).
# Tests replace this with the immediate backend (src/pilkada/conftest.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

STATIC_URL = "static/"
MEDIA_ROOT = CONFIG.data_dir / "uploads"
# The largest workbook a user may upload (a kabupaten of 8,000 TPS is about 3 MB).
PILKADA_MAX_UPLOAD_BYTES = 50 * 2**20

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after PILKADA_SESSION_IDLE seconds without a request and at the latest
# SESSION_COOKIE_AGE after login (core.middleware.SessionLimitsMiddleware).
SESSION_COOKIE_AGE = 12 * 3600
PILKADA_SESSION_IDLE = 30 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Behind HTTPS (PILKADA_HTTPS=1): cookies only over HTTPS, HSTS, redirect plain HTTP.
if CONFIG.https:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Everything is served from this origin: no CDN, no inline script (offices may be offline).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login back-off: 5 failures for one user name from one address lock it for 15 minutes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Its log lines name the address and page, not the user name typed (core.logfilter).
AXES_CLIENT_STR_CALLABLE = "pilkada.core.logfilter.axes_client_str"

# Serve static files straight from the package (no collectstatic step on a desk laptop).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Rate limits (core.ratelimit): failed sign-ins per address (any user names; on top of the
# axes lock above) and look-ups by NIK/NKK per user, each per minute. "N/m", "N/h", "N/5m"…;
# a scope set to None is not limited. The coming API adds its own scope here ("api").
PILKADA_RATE_LIMITS = {"login": "20/m", "nik": "30/m"}
# The counters live in this cache. Local memory is shared by the threads of the one server
# process (`pilkada serve`); a deployment with several processes needs a shared cache
# (Redis, Memcached) under this alias, or each process counts on its own.
PILKADA_RATELIMIT_CACHE = "ratelimit"
# A dashboard may lag the data by at most this many seconds while results keep coming in
# (web.dashboard: one computation serves every viewer in that time).
PILKADA_DASHBOARD_LAG = 10

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pilkada"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pilkada-ratelimit",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}

# Logs go to standard error (the service manager or the terminal keeps them). Every handler
# passes core.logfilter.PrivateDataFilter: NIK/NKK-like numbers masked, tracebacks reduced to
# the exception's class and location (no values, no local variables). Django's default e-mail
# to ADMINS, which carries the full error report, is not used.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"private": {"()": "pilkada.core.logfilter.PrivateDataFilter"}},
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["private"],
        },
        # the development server's request lines (`pilkada runserver`): query strings masked
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["private"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": [], "level": "WARNING", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "pilkada": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
