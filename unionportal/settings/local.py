"""Developer machine and `make run`: debug on, SQLite by default."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# Serve static files straight from static/ (no collectstatic needed for `make run`).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

# `make run` starts a real worker and beat beside the web server: on Redis when REDIS_URL is set,
# otherwise on kombu's filesystem transport (var/celery/), which needs no server.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# Mail is printed on the console (the emergency alerts to the demo staff included), never sent, unless
# EMAIL_BACKEND names another backend on purpose.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# The worker that `make run` starts logs to var/celery/worker.log but keeps its own output on the
# terminal, so the mails it sends (the emergency alerts) are printed where the tester is looking.
CELERY_WORKER_REDIRECT_STDOUTS = False
