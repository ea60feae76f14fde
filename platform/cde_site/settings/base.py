"""Settings shared by every environment; everything that varies comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[3]
SITE_DIR = Path(__file__).resolve().parents[1]
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY doit être défini quand DEBUG est désactivé.")
    SECRET_KEY = "insecure-dev-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Daphne first: its runserver serves HTTP and websockets over ASGI.
    "daphne",
    "channels",
    # Host site and the platform's pluggable apps (ground floor first).
    "cde_site",
    "themes",
    "cites",
    "accounts",
    "notifications",
    "groups",
    "ressources",
    "cafes_cites",
    "search",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts
    "allauth",
    "allauth.account",
    # DSFR
    "dsfr",
    "widget_tweaks",
    # Background tasks
    "django_tasks",
    "django_tasks_db",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.postgres",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cde_site.middleware.PrivateCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cde_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cde_site.context_processors.platform",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

ASGI_APPLICATION = "cde_site.asgi.application"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (server, task worker) share the demo database.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache ---------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # The prefix keeps several deployments (or test runs) on one Redis apart: pub/sub
            # channels are not scoped by database index.
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "asgi"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cde"),
        }
    }
else:
    # Embedded default for `make demo`: one process, nothing to install.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Search (search/): Elasticsearch when configured, else the database fallback -------------
# One URL or several, comma-separated (the hosts of a cluster).
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# The alias searches and writes go through; rebuilds swap the index behind it.
ELASTICSEARCH_INDEX = os.environ.get("ELASTICSEARCH_INDEX", "cites-emploi")
# Searches give up quickly (the database answers instead); bulk writes may take longer.
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "5"))
ELASTICSEARCH_BULK_TIMEOUT = float(os.environ.get("ELASTICSEARCH_BULK_TIMEOUT", "60"))
ELASTICSEARCH_REPLICAS = int(os.environ.get("ELASTICSEARCH_REPLICAS", "1"))
# Seconds during which searches go straight to the fallback after an Elasticsearch failure.
ELASTICSEARCH_RETRY_AFTER = float(os.environ.get("ELASTICSEARCH_RETRY_AFTER", "30"))
# "light_french" on Elasticsearch; "snowball" for test servers whose light_french stemmer is
# broken (see docs/search.md).
ELASTICSEARCH_FRENCH_STEMMER = os.environ.get("ELASTICSEARCH_FRENCH_STEMMER", "light_french")
# Refresh after each write (tests); production relies on the periodic refresh.
ELASTICSEARCH_REFRESH = os.environ.get("ELASTICSEARCH_REFRESH", "") == "1"

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.PlatformAuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "/"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cités de l'emploi] "
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Cités de l'emploi <ne-pas-repondre@cites-emploi.anct.gouv.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PROFILE_PHOTO_MAX_BYTES = 2 * 1024 * 1024
# Group documents: outside MEDIA_ROOT, served only by the permission-checked download view.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private-media"))
GROUP_DOCUMENT_MAX_BYTES = int(os.environ.get("GROUP_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024))
GROUP_INVITATION_DAYS = 14
GROUP_POST_MAX_LENGTH = 20000

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Cités de l'emploi"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]
WAGTAIL_I18N_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_PASSWORD_RESET_ENABLED = False  # one password-reset flow: the platform's (allauth)
WAGTAILADMIN_LOGIN_URL = "/comptes/login/"  # one login page for the site and the admin

# --- DSFR -----------------------------------------------------------------------------------
DSFR_USE_INTEGRITY_CHECKSUMS = True

# --- Platform -------------------------------------------------------------------------------
SITE_URL = WAGTAILADMIN_BASE_URL
DEMO_EMAIL_DOMAIN = "demo.cites-emploi.fr"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Immediate tasks and page events would drown useful output in `make demo`.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # One line per Elasticsearch request otherwise.
        "elastic_transport": {"level": "WARNING"},
    },
}

# --- Cafés-cités ----------------------------------------------------------------------------
CAFES_CITES_CHAT_OPENS_BEFORE = 15  # minutes before the start
CAFES_CITES_CHAT_CLOSES_AFTER = 30  # minutes after the end
CAFES_CITES_CHAT_REQUIRES_REGISTRATION = env_bool("CAFES_CITES_CHAT_REQUIRES_REGISTRATION", True)
CAFES_CITES_CHAT_MAX_LENGTH = 1000  # characters per message
CAFES_CITES_CHAT_RATE = (5, 10)  # at most 5 messages per 10 seconds and per user
CAFES_CITES_CHAT_HISTORY = 50  # messages sent on a fresh connection
CAFES_CITES_CHAT_RESUME_MAX = 1000  # messages replayed on a reconnection with after=
CAFES_CITES_CHAT_AUTH_RECHECK = 30  # seconds between session re-checks of an idle socket
CAFES_CITES_VIDEO_LINK_BEFORE = 15  # minutes before the start when registrants see the link

# --- Ressources (library and Bulletin de veille) ------------------------------------------------
RESSOURCES_BULLETIN_BATCH_SIZE = int(os.environ.get("RESSOURCES_BULLETIN_BATCH_SIZE", "50"))
CAFES_CITES_PRESENCE_DEBOUNCE = 2  # seconds; at most one presence broadcast per room per period
