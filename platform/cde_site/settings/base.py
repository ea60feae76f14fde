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
    "commons",  # no model: its static files (the rich-text editor's front end)
    "themes",
    "cites",
    "accounts",
    "audit",
    "notifications",
    "groups",
    "ressources",
    "cafes_cites",
    "search",
    "espace",
    "pilotage",
    "rgpd",
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
    "wagtail.api.v2",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_prose_editor",  # the editor's ProseMirror/Tiptap bundle (static files only)
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.usersessions",  # sessions listed per user: ended on deactivation
    "accounts.proconnect",
    # Security: login lockout (django-axes), Content-Security-Policy (django-csp)
    "axes",
    "csp",
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
    # Demo without SITE_URL: absolute links follow the address served (commons.urls).
    "cde_site.middleware.ServedAddressMiddleware",
    "cde_site.middleware.ContentSecurityPolicyMiddleware",
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
    "cde_site.middleware.AdminAccessMiddleware",
    "cde_site.middleware.DemoNotFoundMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "rgpd.middleware.ActivityMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a login refused by django-axes into the lockout page.
    "axes.middleware.AxesMiddleware",
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
            # French plurals and "1er" dates in every template (commons.french).
            "builtins": ["commons.french"],
        },
    },
]

ASGI_APPLICATION = "cde_site.asgi.application"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
# Under ASGI, keep CONN_MAX_AGE at 0 and pool with pgbouncer (docs/deployment.md); a WSGI or
# management-command process may keep connections with a positive value.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", False),
        # pgbouncer in transaction mode cannot keep server-side cursors between statements.
        disable_server_side_cursors=env_bool("DISABLE_SERVER_SIDE_CURSORS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's requests, websockets and tasks write at the same time. SQLite's defaults answer
    # "database is locked" at once when a transaction that has read wants to write while
    # another writes (no waiting on a lock upgrade): transactions take the write lock when
    # they begin (IMMEDIATE) and wait for it up to `timeout` seconds; the WAL journal lets
    # readers go on while one writes (bench/sqlite_locked.py, docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": os.environ.get("SQLITE_TRANSACTION_MODE", "IMMEDIATE"),
            "init_command": (
                f"PRAGMA journal_mode={os.environ.get('SQLITE_JOURNAL_MODE', 'wal')};"
                "PRAGMA synchronous=NORMAL;"
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache ---------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# A Redis host that is down (no answer at all, rather than a refused connection) must not hold
# a page or a chat handshake for the operating system's connect timeout (minutes): the chat
# then serves in degraded mode and the cache is skipped (commons.sessions).
REDIS_CONNECT_TIMEOUT = float(os.environ.get("REDIS_CONNECT_TIMEOUT", "2"))
# Cache reads and writes are short; pub/sub connections wait on purpose and get no such limit.
REDIS_CACHE_TIMEOUT = float(os.environ.get("REDIS_CACHE_TIMEOUT", "2"))
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # The prefix keeps several deployments (or test runs) on one Redis apart: pub/sub
            # channels are not scoped by database index.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_connect_timeout": REDIS_CONNECT_TIMEOUT}],
                "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "asgi"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cde"),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_CACHE_TIMEOUT,
            },
        }
    }
else:
    # Embedded default for `make demo`: one process, nothing to install.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions: in the database by default; "commons.sessions" reads them from the Redis cache
# (written through to the database) in production, and from the database alone while Redis is
# down (docs/deployment.md).
SESSION_ENGINE = os.environ.get("SESSION_ENGINE", "django.contrib.sessions.backends.db")
# commons.sessions: after a process saw the cache fail, sessions found in the cache are confirmed
# by the database for this long (a logout during the outage may have missed the cache).
SESSION_CACHE_DISTRUST_SECONDS = int(os.environ.get("SESSION_CACHE_DISTRUST_SECONDS", "3600"))

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
ELASTICSEARCH_FRENCH_STEMMER = os.environ.get("ELASTICSEARCH_FRENCH_STEMMER", "snowball")
# Refresh after each write (tests); production relies on the periodic refresh.
ELASTICSEARCH_REFRESH = os.environ.get("ELASTICSEARCH_REFRESH", "") == "1"
# Fewer visible documents than this matching the minimum of words: a relaxed pass completes the
# results below them, shown as « Résultats approchants » (0: never). See docs/search.md.
SEARCH_RELAXED_BELOW = int(os.environ.get("SEARCH_RELAXED_BELOW", "10"))

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
AUTHENTICATION_BACKENDS = [
    # First: refuses any attempt on a locked-out login before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PlatformAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "espace:home"
LOGOUT_REDIRECT_URL = "/"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_UNIQUE_EMAIL = True
# A password change keeps the session it was made from (allauth then updates its auth hash) and
# ends every other one (accounts.sessions.end_other_sessions_on_password_change).
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Security notices by e-mail after a password change, set or reset, and an address added,
# confirmed, made primary or removed (account/email/*_message.txt, the platform's wording).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_FORMS = {
    "signup": "accounts.password_forms.SignupForm",
    "change_password": "accounts.password_forms.ChangePasswordForm",
    "set_password": "accounts.password_forms.SetPasswordForm",
    "reset_password_from_key": "accounts.password_forms.ResetPasswordKeyForm",
}
# Failed logins: django-axes (see « Security » below) locks an address for LOGIN_COOLOFF_MINUTES
# after LOGIN_FAILURE_LIMIT wrong passwords from one IP. allauth's limits only back it up (a flood
# from one IP, an address tried from many IPs) with the same window, so that every message names
# the one true duration (accounts.adapter.login_wait_minutes).
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_COOLOFF_MINUTES = int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15"))
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"10/m/ip,{LOGIN_FAILURE_LIMIT * 4}/{LOGIN_COOLOFF_MINUTES}m/key",
    # allauth's default (one per 3 minutes) silently swallowed « Renvoyer » right after adding an
    # address: the first mail and two resends per quarter of an hour, beyond that a message says
    # the earlier link still works (accounts.views.EmailView).
    "confirm_email": "3/15m/key",
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    # The demo keeps its e-mails in the database: /notifications/courriels-de-demo/ shows them.
    "notifications.outbox.DatabaseEmailBackend"
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
# The organiser of café-cité calendar invitations (replies and "decline" from a calendar go
# there): the national animation team's mailbox. Empty: DEFAULT_FROM_EMAIL's address.
CAFES_CITES_ORGANIZER_EMAIL = os.environ.get("CAFES_CITES_ORGANIZER_EMAIL", "")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
# Ahead of the apps' catalogues: a few of Wagtail's French labels reworded.
LOCALE_PATHS = [BASE_DIR / "platform" / "cde_site" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Private files (group documents, profile photos): outside MEDIA_ROOT, read only through the
# views that check permissions (commons.storage).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private-media"))
# S3-compatible object storage for uploaded files when the S3_BUCKET_NAME variable is set
# (media_storages below, docs/deployment.md). The bucket stays private: every URL handed out is
# presigned and expires.
# Lifetime of the presigned URLs of private files, handed out right after a permission check.
S3_PRIVATE_URL_SECONDS = int(os.environ.get("S3_PRIVATE_URL_SECONDS", "60"))
# Private downloads from S3: 1 redirects to a presigned URL after the permission check (the
# bytes no longer go through the application), 0 streams them through the application.
PRIVATE_MEDIA_REDIRECT = env_bool("PRIVATE_MEDIA_REDIRECT", False)


def s3_storage(bucket, location, expire):
    """django-storages' S3 backend for one bucket and prefix, from the S3_* variables."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": location,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION_NAME") or None,
            # Empty: boto3's own sources (AWS_* variables, instance role).
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            # "path" for most S3-compatible servers (MinIO, Garage), "virtual" for AWS.
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            "default_acl": None,  # objects inherit the bucket's policy: private
            "querystring_auth": True,  # never an unsigned, permanent URL
            "querystring_expire": expire,
            "file_overwrite": False,
        },
    }


def media_storages():
    """STORAGES' "default" (public media: images, Wagtail documents) and "private" (group
    documents, profile photos): the filesystem, or S3 when S3_BUCKET_NAME is set."""
    bucket = os.environ.get("S3_BUCKET_NAME", "")
    if not bucket:
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {"BACKEND": "commons.storage.PrivateFileSystemStorage"},
        }
    # Images in pages get URLs that last long enough to read the page.
    media_expire = int(os.environ.get("S3_MEDIA_URL_SECONDS", "3600"))
    private_expire = int(os.environ.get("S3_PRIVATE_URL_SECONDS", "60"))
    # Private files may have a bucket of their own; by default, the "private/" prefix.
    private_bucket = os.environ.get("S3_PRIVATE_BUCKET_NAME") or bucket
    return {
        "default": s3_storage(bucket, "media", media_expire),
        "private": s3_storage(private_bucket, "private", private_expire),
    }


STORAGES = {
    **media_storages(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PROFILE_PHOTO_MAX_BYTES = 2 * 1024 * 1024
# Beyond this many pixels a photo is refused as too large (Pillow would call it corrupt).
PROFILE_PHOTO_MAX_PIXELS = 40_000_000
GROUP_DOCUMENT_MAX_BYTES = int(os.environ.get("GROUP_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024))
# Text of group documents, read for search in a confined child process (commons.extraction).
DOCUMENT_TEXT_MAX_CHARS = 200_000
DOCUMENT_TEXT_MAX_PAGES = 500  # PDF pages, slides or sheets
DOCUMENT_TEXT_TIMEOUT = int(os.environ.get("DOCUMENT_TEXT_TIMEOUT", 60))  # CPU seconds
DOCUMENT_TEXT_MAX_MEMORY = 1024 * 1024 * 1024  # address space of the child process

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Cités de l'emploi"
# The public address, for links read outside a page (e-mails, .ics); commons.urls.site_url()
# falls back, in the demo, to the address the server answers on.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# Wagtail's workflow e-mails: kept in step with commons.urls.site_url().
WAGTAILADMIN_BASE_URL = SITE_URL or "http://127.0.0.1:8000"
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]
# Draftail with its label as accessible name (Wagtail's leaves the text box unnamed).
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "commons.draftail.LabelledDraftailRichTextArea"}
}
# Ahead of the apps' catalogues: a few of Wagtail's French labels reworded.
LOCALE_PATHS = [BASE_DIR / "platform" / "cde_site" / "locale"]
WAGTAIL_I18N_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_PASSWORD_RESET_ENABLED = False  # one password-reset flow: the platform's (allauth)
WAGTAILADMIN_LOGIN_URL = "/comptes/login/"  # one login page for the site and the admin

# --- DSFR -----------------------------------------------------------------------------------
DSFR_USE_INTEGRITY_CHECKSUMS = True

# --- Platform -------------------------------------------------------------------------------
DEMO_EMAIL_DOMAIN = "demo.cites-emploi.fr"
# RGAA compliance status, as audited ("non conforme" while no audit has been done; then
# "partiellement conforme" or "totalement conforme"): the footer's "Accessibilité : …" mention and
# the statement setup_site writes. The contact address is the statement's feedback channel.
ACCESSIBILITY_STATUS = os.environ.get("ACCESSIBILITY_STATUS", "non conforme")
# The national team's address for everything else (personal data, access problems, a change to
# one's account one did not make): privacy page, 403 page, security notices.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "contact@cites-emploi.anct.gouv.fr")
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get(
    "ACCESSIBILITY_CONTACT_EMAIL", "accessibilite@cites-emploi.anct.gouv.fr"
)
# The legal notices and the privacy page (setup_site keeps their sections in line with these):
# the host (LCEN: name, address, telephone), the data protection officer, the processors
# (« Nom — rôle » entries separated by « ; »), the source code. Left empty, the pages say plainly
# that the information is not published yet and give CONTACT_EMAIL to ask for it.
LEGAL_HOST_NAME = os.environ.get("LEGAL_HOST_NAME", "")
LEGAL_HOST_ADDRESS = os.environ.get("LEGAL_HOST_ADDRESS", "")
LEGAL_HOST_PHONE = os.environ.get("LEGAL_HOST_PHONE", "")
PRIVACY_DPO_CONTACT = os.environ.get("PRIVACY_DPO_CONTACT", "")
PRIVACY_PROCESSORS = [
    item.strip() for item in os.environ.get("PRIVACY_PROCESSORS", "").split(";") if item.strip()
]
SOURCE_CODE_URL = os.environ.get("SOURCE_CODE_URL", "")
SOURCE_CODE_LICENSE = os.environ.get("SOURCE_CODE_LICENSE", "MIT")
# Permissions-Policy of every response (cde_site.middleware): none of these features is used.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)
# Where the cités write to ANCT's pilotage team (« demandez à l'ANCT de le rouvrir »); empty:
# CAFES_CITES_ORGANIZER_EMAIL, else DEFAULT_FROM_EMAIL unless a no-reply address, else no link
# (« via votre référent ANCT »).
PILOTAGE_CONTACT_EMAIL = os.environ.get("PILOTAGE_CONTACT_EMAIL", "")

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
        "axes": {"level": "WARNING"},  # one INFO line per login otherwise
        # One line per Elasticsearch request otherwise.
        "elastic_transport": {"level": "WARNING"},
    },
}

# --- Cafés-cités (defaults in cafes_cites/conf.py; only what the environment varies here) -----
CAFES_CITES_CHAT_REQUIRES_REGISTRATION = env_bool("CAFES_CITES_CHAT_REQUIRES_REGISTRATION", True)
# Seconds between heartbeats of a chat server process; its sockets' presence stops counting
# after two missed heartbeats and a half (a killed process), and its rows are then deleted.
CAFES_CITES_PRESENCE_HEARTBEAT = float(os.environ.get("CAFES_CITES_PRESENCE_HEARTBEAT", "15"))

# --- Ressources (library and Bulletin de veille) ------------------------------------------------
RESSOURCES_BULLETIN_BATCH_SIZE = int(os.environ.get("RESSOURCES_BULLETIN_BATCH_SIZE", "50"))

# --- RGPD: retention (0 disables a rule; see rgpd/ and the "Données personnelles" page) --------
# An account nobody logged into for this many days is anonymised, after a warning e-mail sent
# RGPD_INACTIVE_WARNING_DAYS before.
RGPD_INACTIVE_ACCOUNT_DAYS = int(os.environ.get("RGPD_INACTIVE_ACCOUNT_DAYS", "1095"))
RGPD_INACTIVE_WARNING_DAYS = int(os.environ.get("RGPD_INACTIVE_WARNING_DAYS", "30"))
# Café-cité chat messages are deleted this many days after the end of their session.
RGPD_CHAT_RETENTION_DAYS = int(os.environ.get("RGPD_CHAT_RETENTION_DAYS", "365"))
# Entries of the moderation and administration audit log are deleted after this many days.
RGPD_AUDIT_RETENTION_DAYS = int(os.environ.get("RGPD_AUDIT_RETENTION_DAYS", "365"))
# Successful logins (django-axes' AccessLog: address, IP, browser, dates): six months, the
# CNIL's usual recommendation for connection logs kept for security.
RGPD_LOGIN_LOG_RETENTION_DAYS = int(os.environ.get("RGPD_LOGIN_LOG_RETENTION_DAYS", "183"))
RGPD_BATCH_SIZE = int(os.environ.get("RGPD_BATCH_SIZE", "200"))

# --- Security: login lockout, Content-Security-Policy, posting limits ---------------------------
# django-axes: after LOGIN_FAILURE_LIMIT wrong passwords for one address (from one IP address by
# default), every attempt is refused, the right password included, for LOGIN_COOLOFF_MINUTES.
AXES_ENABLED = env_bool("LOGIN_LOCKOUT_ENABLED", True)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = LOGIN_COOLOFF_MINUTES / 60  # hours
# "username+ip_address" locks an address per IP; "username" locks it everywhere (groups separated
# by commas, e.g. "username+ip_address,ip_address").
AXES_LOCKOUT_PARAMETERS = [
    group.split("+") for group in env_list("LOGIN_LOCKOUT_PARAMETERS", "username+ip_address")
]
AXES_USERNAME_CALLABLE = "accounts.security.login_identifier"
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
AXES_RESET_ON_SUCCESS = True
# A retry during the lock (the right password included) does not restart it: the time the lockout
# page announces is the time it really lasts.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
# Behind reverse proxies: how many of them append to X-Forwarded-For (0: REMOTE_ADDR is the client).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# ProConnect (OpenID Connect for State agents): the button appears once the three are set.
PROCONNECT_DISCOVERY_URL = os.environ.get("PROCONNECT_DISCOVERY_URL", "")
PROCONNECT_CLIENT_ID = os.environ.get("PROCONNECT_CLIENT_ID", "")
PROCONNECT_CLIENT_SECRET = os.environ.get("PROCONNECT_CLIENT_SECRET", "")
PROCONNECT_SCOPES = env_list("PROCONNECT_SCOPES", "openid,email,given_name,usual_name")
# Authentication levels accepted from ProConnect (OpenID Connect acr_values, e.g. "eidas1";
# several separated by commas or spaces): asked for in each authorisation request and required in
# the ID token's acr claim. Empty: no level asked nor checked.
PROCONNECT_ACR_VALUES = os.environ.get("PROCONNECT_ACR_VALUES", "").replace(",", " ").split()
# ProConnect sends no email_verified claim: its addresses are vouched for by the identity
# providers. Set to 0 for a provider whose addresses must carry email_verified=true.
PROCONNECT_TRUST_EMAIL = env_bool("PROCONNECT_TRUST_EMAIL", True)


def proconnect_providers(discovery_url, client_id, secret, scopes, acr_values=()):
    """allauth's SOCIALACCOUNT_PROVIDERS for ProConnect (empty when not configured)."""
    if not (discovery_url and client_id and secret):
        return {}
    app = {
        "provider_id": "proconnect",
        "name": "ProConnect",
        "client_id": client_id,
        "secret": secret,
        "settings": {
            "server_url": discovery_url,
            "token_auth_method": "client_secret_post",
            "oauth_pkce_enabled": True,
            "fetch_userinfo": True,
            "scope": scopes,
            "acr_values": list(acr_values),  # accounts.proconnect: asked for, then checked
        },
    }
    return {"proconnect": {"APPS": [app]}}


SOCIALACCOUNT_PROVIDERS = proconnect_providers(
    PROCONNECT_DISCOVERY_URL,
    PROCONNECT_CLIENT_ID,
    PROCONNECT_CLIENT_SECRET,
    PROCONNECT_SCOPES,
    PROCONNECT_ACR_VALUES,
)
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # an agent's verified address finds their account
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_QUERY_EMAIL = True

# Content-Security-Policy (django-csp): no inline script anywhere on the site. The Wagtail admin
# gets its own policy (cde_site.middleware.ContentSecurityPolicyMiddleware): its page editor
# still writes inline scripts and styles.
_CSP_SELF = "'self'"
CSP_FORM_ACTION_EXTRA = env_list("CSP_FORM_ACTION_EXTRA")  # other form or redirect targets
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_CSP_SELF],
        "script-src": [_CSP_SELF],
        "style-src": [_CSP_SELF],
        "img-src": [_CSP_SELF, "data:"],
        "font-src": [_CSP_SELF, "data:"],
        "connect-src": [_CSP_SELF],
        "media-src": [_CSP_SELF],
        "frame-src": [_CSP_SELF],
        "object-src": ["'none'"],
        "base-uri": [_CSP_SELF],
        "frame-ancestors": ["'none'"],
        # The ProConnect button posts to the platform, which redirects to ProConnect: browsers
        # apply form-action to that redirect too (the middleware adds ProConnect's origin).
        "form-action": [_CSP_SELF, *CSP_FORM_ACTION_EXTRA],
    }
}
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [_CSP_SELF, "'unsafe-inline'"],
        "style-src": [_CSP_SELF, "'unsafe-inline'"],
        "img-src": [_CSP_SELF, "data:", "blob:"],
        "frame-ancestors": [_CSP_SELF],  # page previews
    }
}
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party request from the admin
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Posting in groups: at most GROUP_POST_RATE_COUNT threads and replies per user within
# GROUP_POST_RATE_SECONDS; beyond, a French error and nothing is stored.
GROUP_POST_RATE_COUNT = int(os.environ.get("GROUP_POST_RATE_COUNT", "10"))
GROUP_POST_RATE_SECONDS = int(os.environ.get("GROUP_POST_RATE_SECONDS", "300"))

# --- Inbox: notification e-mails, reply by e-mail, Mon espace (issue #15) -----------------------
NOTIFICATIONS_PREFERENCES_PATH = "/mon-espace/preferences/"
# Replies by e-mail go to reponse+<signed token>@REPLY_EMAIL_DOMAIN (the MTA pipes them to
# `manage.py receive_email`, or `manage.py fetch_email` polls the IMAP mailbox). Empty: the
# notifications carry no Reply-To and replying by e-mail is off.
REPLY_EMAIL_DOMAIN = os.environ.get("REPLY_EMAIL_DOMAIN", "")
REPLY_EMAIL_MAX_AGE_DAYS = int(os.environ.get("REPLY_EMAIL_MAX_AGE_DAYS", "60"))
INBOUND_EMAIL_MAX_BYTES = int(os.environ.get("INBOUND_EMAIL_MAX_BYTES", 10 * 1024 * 1024))
# Per sender address: at most INBOUND_EMAIL_RATE_COUNT messages within INBOUND_EMAIL_RATE_SECONDS.
INBOUND_EMAIL_RATE_COUNT = int(os.environ.get("INBOUND_EMAIL_RATE_COUNT", "20"))
INBOUND_EMAIL_RATE_SECONDS = int(os.environ.get("INBOUND_EMAIL_RATE_SECONDS", "3600"))
IMAP_HOST = os.environ.get("IMAP_HOST", "")
IMAP_PORT = int(os.environ.get("IMAP_PORT", "993"))
IMAP_USER = os.environ.get("IMAP_USER", "")
IMAP_PASSWORD = os.environ.get("IMAP_PASSWORD", "")
IMAP_MAILBOX = os.environ.get("IMAP_MAILBOX", "INBOX")
IMAP_USE_SSL = env_bool("IMAP_USE_SSL", True)
IMAP_DELETE_AFTER = env_bool("IMAP_DELETE_AFTER", False)
INBOUND_EMAIL_RETENTION_DAYS = int(os.environ.get("INBOUND_EMAIL_RETENTION_DAYS", "90"))
