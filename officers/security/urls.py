"""The three administrators' consoles; the account pages (second factor, sessions, notice) are wired
under /accounts/ by unionportal/urls.py."""

from django.urls import path

from . import views

security_patterns = (
    [
        path("", views.SecurityHomeView.as_view(), name="home"),
        path("accounts/<int:pk>/", views.AccountView.as_view(), name="account"),
        path("policy/", views.PolicyView.as_view(), name="policy"),
    ],
    "security",
)
audit_patterns = (
    [
        path("", views.AuditTrailView.as_view(), name="home"),
        path("export.xlsx", views.AuditExportView.as_view(), name="export"),
        path("verify/", views.AuditVerifyView.as_view(), name="verify"),
    ],
    "audit",
)
system_patterns = ([path("", views.SystemHomeView.as_view(), name="home")], "system")

account_patterns = [
    path("otp/", views.OtpVerifyView.as_view(), name="otp_verify"),
    path("otp/enrol/", views.OtpEnrolView.as_view(), name="otp_enrol"),
    path("otp/recovery/", views.RecoveryCodesView.as_view(), name="otp_recovery"),
    path("sessions/", views.SessionListView.as_view(), name="sessions"),
    path("notice/", views.ProcessingNoticeView.as_view(), name="processing_notice"),
]
