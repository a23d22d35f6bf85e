"""Settings shared by every environment, read from environment variables.

Defaults suit the embedded demo (SQLite under ``GLANEUR_DATA_DIR``); production
overrides them through the environment only (see docs/deploy.md).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from glaneur import queues

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("GLANEUR_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key comes from the environment, else from a file generated on first run."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # O_EXCL: two processes starting together must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_ID = 1
GLANEUR_SITE_NAME = os.environ.get("GLANEUR_SITE_NAME", "Glaneur")
# One line about this instance (who runs it, for whom), shown on the home page and used as
# the description of pages that have none of their own. Set by the instance's admin.
GLANEUR_ABOUT = os.environ.get("GLANEUR_ABOUT", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "glaneur.curation",
    "glaneur.ingest",
    "glaneur.audience",
    "glaneur.analytics",
    "glaneur.syndication",
    "glaneur.transfer",
    "glaneur.search",
    "glaneur.territories",
    "glaneur.enrich",
    "glaneur.federation",
    "glaneur.sources",
    "glaneur.organisations",
    "glaneur.teams",
    "glaneur.api",
    "glaneur.runtime",
]

MIDDLEWARE = [
    # First: decides from the Host header whether the request is for this site, for a
    # verified custom domain of an organisation (its pages), or refused (400).
    "glaneur.organisations.middleware.HostRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "glaneur.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "glaneur.urls"
# Django's database sessions, read in SQL rather than through the ORM (every signed-in page).
SESSION_ENGINE = "glaneur.db.sessions"
WSGI_APPLICATION = "glaneur.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "glaneur.context_processors.site",
            ],
            "builtins": ["django.templatetags.i18n", "django.templatetags.static"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'glaneur.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work together; IMMEDIATE takes the write lock at
    # BEGIN so concurrent writers queue on busy_timeout instead of failing with "locked".
    # glaneur.db.sqlite: Django's engine, whose BEGIN is tried again after a busy timeout.
    DATABASES["default"]["ENGINE"] = "glaneur.db.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else 600
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's default (4) prices a random page read as a disk seek; on an SSD or from
    # memory it costs about a sequential one. At 4 the planner walked 6,500 index rows where
    # a bitmap of 1,500 matches took half the time (bench/README.md). Empty: the server's.
    _page_cost = os.environ.get("GLANEUR_PG_RANDOM_PAGE_COST", "1.1")
    DATABASES["default"].setdefault("OPTIONS", {})
    if _page_cost:
        DATABASES["default"]["OPTIONS"]["options"] = f"-c random_page_cost={float(_page_cost)}"
    # Statements run through a server-binding cursor (only the search's hit query: Django's
    # own cursors bind in the client and are never prepared) are prepared from their second
    # run on a connection. Empty: never (PgBouncer in transaction mode before 1.21).
    _prepare = os.environ.get("GLANEUR_PG_PREPARE_THRESHOLD", "1")
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = int(_prepare) if _prepare else None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# The sign-up form also asks for a display name (kept in User.first_name).
ACCOUNT_SIGNUP_FORM_CLASS = "glaneur.audience.forms.SignupExtraForm"
# "optional": a new account may log in at once, but no digest goes to an address until
# its owner clicked the verification link. "mandatory" blocks log-in until then.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("GLANEUR_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
# Counted in the shared cache (CACHES["default"]), so they hold across every web process.
# login_failed: 5 failures lock an account for 5 minutes, even with the right password.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "5/m/ip,30/h/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Behind N reverse proxies the client's address is the Nth from the end of X-Forwarded-For;
# 0 (direct): REMOTE_ADDR. Every per-address limit (allauth's and Glaneur's) reads it.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("GLANEUR_TRUSTED_PROXY_COUNT", "0"))
# Sends every allauth message in the recipient's language, with an HTML part.
ACCOUNT_ADAPTER = "glaneur.audience.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{GLANEUR_SITE_NAME}] "
# allauth's own templates come first in the app-directories loader (INSTALLED_APPS
# order), so ours use their own extension: account/login.glaneur.html and so on,
# in glaneur/audience/templates/.
ACCOUNT_TEMPLATE_EXTENSION = "glaneur.html"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
GLANEUR_BROWSER_LANGUAGE = env_bool("GLANEUR_BROWSER_LANGUAGE", False)
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def shared_cache(url: str) -> dict[str, Any]:
    """The cache every process shares (rate limits): the database by default (its table is
    made by every `migrate`), Redis from GLANEUR_CACHE_URL for large sites."""
    if not url:
        return {
            "BACKEND": "glaneur.cache.DatabaseCache",
            "LOCATION": "glaneur_cache",
            # Django culls a third of the entries past MAX_ENTRIES: that would reset the
            # counts of an attacker who makes many. Expired entries go first in any case.
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        # Django's own back end; it needs the `redis` package installed beside Glaneur.
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(
        f"GLANEUR_CACHE_URL must be empty (the database) or a redis:// URL, not {url!r}."
    )


# See glaneur/cache.py: "default" is shared by every process, "fragments" is per process.
CACHES = {
    "default": shared_cache(os.environ.get("GLANEUR_CACHE_URL", "")),
    "fragments": {
        "BACKEND": "glaneur.cache.BoundedMemoryCache",
        "LOCATION": "glaneur-fragments",
        # Bounded by bytes too, so a crawler cannot push a web worker past its memory budget.
        "OPTIONS": {
            "MAX_ENTRIES": 2000,
            "MAX_BYTES": int(os.environ.get("GLANEUR_FRAGMENT_CACHE_MB", "24")) * 1024 * 1024,
        },
    },
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("GLANEUR_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        # One queue per kind of work (glaneur.queues).
        "QUEUES": queues.ALL,
    }
}

EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Glaneur <glaneur@localhost>")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# Links in mail sent by the worker (digests, newsletters) start with this address.
GLANEUR_BASE_URL = os.environ.get(
    "GLANEUR_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
).rstrip("/")
# Daily digests leave at this local hour; weekly ones on this weekday (0 = Monday).
GLANEUR_DIGEST_HOUR = int(os.environ.get("GLANEUR_DIGEST_HOUR", "7"))
GLANEUR_DIGEST_WEEKDAY = int(os.environ.get("GLANEUR_DIGEST_WEEKDAY", "0"))
# Messages claimed and handed to the SMTP server as one batch (one connection each), and
# how many connections a batch uses at once (threads of the worker).
GLANEUR_MAIL_BATCH = int(os.environ.get("GLANEUR_MAIL_BATCH", "200"))
GLANEUR_MAIL_CONNECTIONS = int(os.environ.get("GLANEUR_MAIL_CONNECTIONS", "1"))

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Post images are hot-linked from their sources, as Scoop.it does.
        "img-src": [SELF, "https:", "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# The bookmarklet posts whole pages (up to the 5 MB the fetcher also accepts).
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# Comments a user may post per hour (anti-spam).
GLANEUR_COMMENT_RATE = int(os.environ.get("GLANEUR_COMMENT_RATE", "20"))
# Newsletter subscriptions per client address and hour (each may send a confirmation mail).
GLANEUR_SUBSCRIBE_RATE = int(os.environ.get("GLANEUR_SUBSCRIBE_RATE", "20"))
# Links a visitor may suggest per client address and hour, and how long a visitor's private
# status link for a suggestion keeps working (days).
GLANEUR_SUGGEST_RATE = int(os.environ.get("GLANEUR_SUGGEST_RATE", "10"))
# Posts whose source link one client address may be counted clicking, per hour (each post
# counts once a day per address anyway: this caps a flood over many posts).
GLANEUR_CLICK_RATE = int(os.environ.get("GLANEUR_CLICK_RATE", "120"))
GLANEUR_SUGGESTION_DAYS = int(os.environ.get("GLANEUR_SUGGESTION_DAYS", "90"))
# The bookmarklet's page copies: how many, and how many bytes, per client address and hour;
# and the total kept while they wait for a curator to confirm the scoop (an hour at most).
GLANEUR_CAPTURE_RATE = int(os.environ.get("GLANEUR_CAPTURE_RATE", "30"))
GLANEUR_CAPTURE_ADDRESS_MAX_BYTES = int(
    os.environ.get("GLANEUR_CAPTURE_ADDRESS_MAX_BYTES", str(50 * 1024 * 1024))
)
GLANEUR_CAPTURE_STORE_MAX_BYTES = int(
    os.environ.get("GLANEUR_CAPTURE_STORE_MAX_BYTES", str(200 * 1024 * 1024))
)
GLANEUR_POSTS_PER_PAGE = int(os.environ.get("GLANEUR_POSTS_PER_PAGE", "30"))

# Fetching user-given URLs (ingest.fetch): limits, and the only way to relax the address
# rules: explicit host:port pairs (tests use it for their loopback fixture server).
# Search: how many of the newest matches are ranked, and how many processes normalise
# text during `glaneur reindex` (0: one per core).
GLANEUR_SEARCH_CANDIDATES = int(os.environ.get("GLANEUR_SEARCH_CANDIDATES", "500"))
GLANEUR_INDEX_WORKERS = int(os.environ.get("GLANEUR_INDEX_WORKERS", "0"))

# A worker renews its lease every quarter of this many seconds; the tasks of a worker unseen
# for longer (killed, machine lost) are taken again by another. Searches are indexed by the
# worker after the post's transaction commits (off: at once in the saving process).
GLANEUR_WORKER_LEASE = float(os.environ.get("GLANEUR_WORKER_LEASE", "60"))
GLANEUR_INDEX_IN_WORKER = env_bool("GLANEUR_INDEX_IN_WORKER", True)
# The enrich step (spaCy) runs in the worker, queue nlp; never in a web process.
GLANEUR_ENRICH_IN_WORKER = env_bool("GLANEUR_ENRICH_IN_WORKER", True)
# Whether posts are analysed when they are ready or change (off: only `glaneur analyse`).
GLANEUR_ENRICH_POSTS = env_bool("GLANEUR_ENRICH_POSTS", True)
# The places step (territories: gazetteer, no spaCy) runs in the worker too, queue nlp.
GLANEUR_LOCATE_IN_WORKER = env_bool("GLANEUR_LOCATE_IN_WORKER", True)

GLANEUR_FETCH_ALLOW = env_list("GLANEUR_FETCH_ALLOW")
GLANEUR_FETCH_TIMEOUT = float(os.environ.get("GLANEUR_FETCH_TIMEOUT", "10"))
GLANEUR_FETCH_MAX_BYTES = int(os.environ.get("GLANEUR_FETCH_MAX_BYTES", str(5 * 1024 * 1024)))
GLANEUR_FETCH_MAX_REDIRECTS = int(os.environ.get("GLANEUR_FETCH_MAX_REDIRECTS", "5"))
# Suggestions engine: sources one polling round fetches at once (threads), and at most per
# host (sources.polling). 16 as Miniflux's worker pool: real feeds answer in 100 ms or more,
# and 8 threads left a warm round of 1,000 such feeds at 14 s (bench/polling.py).
GLANEUR_POLL_THREADS = int(os.environ.get("GLANEUR_POLL_THREADS", "16"))
GLANEUR_POLL_PER_HOST = int(os.environ.get("GLANEUR_POLL_PER_HOST", "2"))
# Where the worker processes of one machine count their requests per host (lock files).
GLANEUR_POLL_LOCK_DIR = os.environ.get("GLANEUR_POLL_LOCK_DIR", str(DATA_DIR / "polling-hosts"))
# Days an invitation to a topic's team stays valid (teams).
GLANEUR_INVITATION_DAYS = int(os.environ.get("GLANEUR_INVITATION_DAYS", "14"))
# "Poll now" (page, API, CLI) requests per topic and hour.
GLANEUR_POLL_NOW_RATE = int(os.environ.get("GLANEUR_POLL_NOW_RATE", "30"))
# ActivityPub: the inboxes one delivery task POSTs to at once (federation).
GLANEUR_FEDERATION_SENDERS = int(os.environ.get("GLANEUR_FEDERATION_SENDERS", "8"))
# Custom domains (organisations): the DNS servers that verify their TXT records ("ip" or
# "ip:port", comma-separated; empty: the system's), how long a check may take (s), the
# consecutive failed re-checks that disable a verified domain, and how long a process keeps
# its set of verified hosts (s). GLANEUR_DOMAIN_CHECK_TOKEN, if set, is required by the
# reverse proxy's "ask" endpoint (/_glaneur/domain-check?domain=…&token=…).
GLANEUR_DNS_NAMESERVERS = env_list("GLANEUR_DNS_NAMESERVERS")
GLANEUR_DNS_TIMEOUT = float(os.environ.get("GLANEUR_DNS_TIMEOUT", "5"))
GLANEUR_DOMAIN_MAX_FAILURES = int(os.environ.get("GLANEUR_DOMAIN_MAX_FAILURES", "2"))
GLANEUR_DOMAIN_CACHE_SECONDS = float(os.environ.get("GLANEUR_DOMAIN_CACHE_SECONDS", "30"))
GLANEUR_DOMAIN_CHECK_TOKEN = os.environ.get("GLANEUR_DOMAIN_CHECK_TOKEN", "")
GLANEUR_USER_AGENT = os.environ.get(
    "GLANEUR_USER_AGENT", "Glaneur/0.1 (+https://github.com/glaneur; content curation)"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "glaneur": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
        # Without DEBUG, a server error's traceback would otherwise go nowhere.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
