from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "信息报送"

    def ready(self):
        # The registry needs the resource, which needs the models: importable only once apps are ready.
        from unionportal.core.imports.registry import LedgerKind, register

        from .adoption_ledger import COLUMNS as ADOPTION_COLUMNS
        from .adoption_ledger import AdoptionLedger, AdoptionLedgerResource
        from .resources import COLUMNS, ReportLedgerResource
        from .services.imports import ReportLedger

        register(
            LedgerKind(
                key="reports",
                title="信息报送记录",
                resource_class=ReportLedgerResource,
                columns=COLUMNS,
                back_url_name="reports:queue",
                start_url_name="reports:import",
                bulk_class=ReportLedger,
            )
        )
        register(
            LedgerKind(
                key="adoptions",
                title="采用回执",
                resource_class=AdoptionLedgerResource,
                columns=ADOPTION_COLUMNS,
                back_url_name="reports:queue",
                start_url_name="reports:import_adoptions",
                bulk_class=AdoptionLedger,
            )
        )
