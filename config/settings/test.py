from .base import *  # noqa: F403
from .base import DATABASES

# The live-server thread must not keep a connection open, or PostgreSQL refuses to drop the
# test database at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Compression is slow and the manifest needs collectstatic; tests read templates, not assets.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Two-factor is not demanded of the suite's force_login'd leaders and form logins;
# tests/accounts/test_two_factor*.py turn it on with override_settings and go through it for real.
TWO_FACTOR_REQUIRED = False
