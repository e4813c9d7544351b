from django.apps import AppConfig


class DisputesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disputes"
    verbose_name = "劳动争议"

    def ready(self):
        # The registry needs the resource, which needs the models: importable only once apps are ready.
        from reports.services.anonymise import register_text_scrubber
        from unionportal.core.imports.registry import LedgerKind, register

        from .bulk import DisputeLedger
        from .resources import COLUMNS, DisputeLedgerResource
        from .services.anonymise import case_texts_scrub

        register_text_scrubber(case_texts_scrub)  # an anonymised officer's name leaves the cases too

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
