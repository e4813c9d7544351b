"""The Celery app. Broker from REDIS_URL, or kombu's filesystem transport when there is no Redis."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings.local")

app = Celery("unionportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_filesystem_broker_folders(sender, **kwargs):
    options = sender.conf.broker_transport_options or {}
    if str(sender.conf.broker_url).startswith("filesystem"):
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            if options.get(key):
                os.makedirs(options[key], exist_ok=True)
