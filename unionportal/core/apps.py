from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: what every app uses and that knows no app (audit, notifications and the one
    outbox, attachments, ledger import, export escaping, shared view helpers)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "unionportal.core"
    label = "core"
    verbose_name = "公共服务"

    def ready(self):
        # Register the outbox's Celery tasks in every process (web included): the outbox looks its
        # delivery task up by name, so that the task module and the outbox need not import each other.
        from . import tasks  # noqa: F401
