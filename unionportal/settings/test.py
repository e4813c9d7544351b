"""The test suite: uses DATABASE_URL / REDIS_URL when set (CI), otherwise SQLite."""

import logging
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="unionportal-test-media-"))
# The manifest storage 404s under live_server (see shared/notes/toolchain.md).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT / "private"), "base_url": "/no-public-url/"},
    },
}
# Tasks run in the test process unless a test starts a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
ALLOWED_HOSTS = ["*"]
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests log in with Client.login(), which passes no request; the lockout test turns axes on.
AXES_ENABLED = False
# Figures are computed on every request unless a test turns the cache on (tests/reports/test_dashboard.py).
DASHBOARD_CACHE_SECONDS = 0
OPEN_EMERGENCIES_CACHE_SECONDS = 0  # the tests of the banner's cache turn it on with a cache of their own
# Every signed-in request writes its session, so a page's query count does not depend on whether it
# came within a minute of the last one (tests/unionportal/test_session_expiry.py uses the real minute).
SESSION_TOUCH_SECONDS = 0
# What would have gone out by SMS, kept in memory for the test to read.
SMS_BACKEND = "tests.sms.CapturingBackend"
# Sessions in the database unless a test run asks for Redis (SESSION_STORE=redis): a page's query
# count then does not depend on whether REDIS_URL is set (tests/unionportal/test_signed_in_floor.py
# checks the Redis store and the floor's queries with it).
SESSION_STORE = env("SESSION_STORE", default="database")  # noqa: F405
SESSION_ENGINE, _test_session_caches = scaling.session_settings(  # noqa: F405
    SESSION_STORE,
    redis_url=env("SESSION_REDIS_URL", default=REDIS_URL),  # noqa: F405
)
CACHES |= _test_session_caches  # noqa: F405


def _no_traceback_below_error(record) -> bool:
    """django.request logs each refused page (403) with its exception: a traceback formatted twice
    (the console and pytest's capture) for every one of the thousands of refusals the URL sweeps ask
    for, a sixth of their time. The warning's line is kept; a server error keeps its traceback."""
    if record.levelno < logging.ERROR:
        record.exc_info = None
    return True


LOGGING = {  # noqa: F405
    **LOGGING,  # noqa: F405
    "filters": {
        **LOGGING["filters"],  # noqa: F405
        "no_traceback_below_error": {
            "()": "django.utils.log.CallbackFilter",
            "callback": _no_traceback_below_error,
        },
    },
    "loggers": {"django.request": {"filters": ["error_reference", "no_traceback_below_error"]}},
}
