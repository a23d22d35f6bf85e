"""Production: everything from the environment; refuses to start without a real key."""

import os

from .base import *  # noqa: F403
from .base import env_bool

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("GLANEUR_SSL_REDIRECT", True)
# The reverse proxy asks over plain HTTP on loopback whether a custom domain may get a
# certificate (docs/domains.md): a redirect would read as "no".
SECURE_REDIRECT_EXEMPT = [r"^_glaneur/domain-check$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("GLANEUR_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("GLANEUR_HSTS_PRELOAD", False)
