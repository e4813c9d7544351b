from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The top floor: pages that look across officers, reports and disputes (home pages, dashboard,
    monthly analysis summary and its meeting record)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "unionportal.overview"
    label = "overview"
    verbose_name = "综合研判"
