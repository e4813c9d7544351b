from django.apps import AppConfig


class OfficersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "officers"
    verbose_name = "信息员管理"

    def ready(self):
        # The registry needs the resource, which needs the models: importable only once apps are ready.
        from unionportal.core.imports.registry import LedgerKind, register

        from .resources import COLUMNS, OfficerLedgerResource

        register(
            LedgerKind(
                key="officers",
                title="信息员台账",
                resource_class=OfficerLedgerResource,
                columns=COLUMNS,
                back_url_name="officers:list",
                start_url_name="officers:import",
            )
        )

        # The outbox (core) delivers through a county's channel by its id; core knows no app, so the
        # app that keeps the channel settings tells it how to load them.
        from unionportal.core import channels

        from .channels.selectors import channel_config

        channels.register_config_loader(channel_config)
