"""Production: PostgreSQL and Redis from the environment, HTTPS only, a real secret required."""

from config.env import ConfigError, env_bool, env_int, env_list, env_str

from .base import *  # noqa: F403
from .base import DATABASES

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("embedded-default"):
    raise ConfigError("Environment variable DJANGO_SECRET_KEY must be a unique value of 50+ characters.")
DEBUG = False
# The embedded default derives the sealing key from SECRET_KEY; production keeps its own, apart.
SIGNING_KEYS = env_list("SIGNING_KEYS", [])
if not SIGNING_KEYS:
    raise ConfigError("Environment variable SIGNING_KEYS must hold the Fernet key(s) that seal signing keys.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ConfigError("Environment variable DATABASE_URL must point at PostgreSQL in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
