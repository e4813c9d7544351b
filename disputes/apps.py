from django.apps import AppConfig


class DisputesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disputes"
    verbose_name = "劳动争议"

    def ready(self):
        # The registry needs the resource, which needs the models: importable only once apps are ready.
        from unionportal.core.imports.registry import LedgerKind, register

        from .bulk import DisputeLedger
        from .resources import COLUMNS, DisputeLedgerResource

        register(
            LedgerKind(
                key="disputes",
                title="争议案件台账",
                resource_class=DisputeLedgerResource,
                columns=COLUMNS,
                back_url_name="disputes:list",
                start_url_name="disputes:import",
                bulk_class=DisputeLedger,
            )
        )
