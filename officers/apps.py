from django.apps import AppConfig


class OfficersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "officers"
    verbose_name = "信息员管理"

    def ready(self):
        # The registry needs the resource, which needs the models: importable only once apps are ready.
        from unionportal.core.imports.registry import LedgerKind, register

        from .bulk import OfficerLedger
        from .resources import COLUMNS, OfficerLedgerResource

        register(
            LedgerKind(
                key="officers",
                title="信息员台账",
                resource_class=OfficerLedgerResource,
                columns=COLUMNS,
                back_url_name="officers:list",
                start_url_name="officers:import",
                bulk_class=OfficerLedger,
            )
        )

        # The outbox (core) delivers through a county's channel by its id; core knows no app, so the
        # app that keeps the channel settings tells it how to load them.
        from unionportal.core import channels

        from .channels.selectors import channel_config

        channels.register_config_loader(channel_config)

        # Every sign-in event goes into the audit log (等保 2.0 安全审计): failures and lockouts from
        # Django's and django-axes' signals, logouts from Django's; a success from the login page
        # (officers.security.signin.sign_in_completed), which also sets the session up.
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_out, user_login_failed

        from .security import signin

        def on_login_failed(sender, credentials, request=None, **kwargs):
            signin.login_failed(username=(credentials or {}).get("username", ""), request=request)

        def on_locked_out(sender, request=None, username="", **kwargs):
            signin.locked_out(username=username or "", request=request)

        def on_logged_out(sender, request=None, user=None, **kwargs):
            signin.logged_out(user=user, request=request)

        user_login_failed.connect(on_login_failed, dispatch_uid="portal_audit_login_failed", weak=False)
        user_locked_out.connect(on_locked_out, dispatch_uid="portal_audit_locked_out", weak=False)
        user_logged_out.connect(on_logged_out, dispatch_uid="portal_audit_logged_out", weak=False)
