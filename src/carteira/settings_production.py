"""Production settings: the defaults of carteira.settings, with the production values
enforced rather than hoped for. Use with DJANGO_SETTINGS_MODULE=carteira.settings_production;
it refuses to load without HTTPS, a real host name and an https base URL."""

import os

from django.core.exceptions import ImproperlyConfigured

from carteira.settings import *  # noqa: F403
from carteira.settings import ALLOWED_HOSTS, BASE_URL, env_bool


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ImproperlyConfigured(message)


_require(env_bool("CARTEIRA_HTTPS"), "set CARTEIRA_HTTPS=1: production is served over TLS")
_require(not env_bool("CARTEIRA_DEBUG"), "CARTEIRA_DEBUG must be off in production")
_require(BASE_URL.startswith("https://"), "CARTEIRA_BASE_URL must be an https:// address")
_require(
    bool(ALLOWED_HOSTS) and not {"*", "127.0.0.1", "localhost"} >= set(ALLOWED_HOSTS),
    "set CARTEIRA_ALLOWED_HOSTS to the public host name",
)
_require("*" not in ALLOWED_HOSTS, "CARTEIRA_ALLOWED_HOSTS must not contain '*'")

DEBUG = False
SECURE_TLS = True
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("CARTEIRA_HSTS_PRELOAD", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The health check is probed over plain HTTP by the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CARTEIRA_LOG_LEVEL", "INFO")},
}
