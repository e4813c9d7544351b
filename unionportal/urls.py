"""The site's addresses. This module stands above every floor, so it may wire a page of one app into
another app's namespace: an officer's page (reports: it shows their reports and stipends) answers as
``officers:detail`` beside the registry's pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from officers import urls as officer_urls
from officers.auth_forms import PortalLoginView, PortalLogoutView, PortalPasswordChangeView
from officers.security import urls as security_urls
from reports.views import OfficerDetailView
from unionportal.core import views
from unionportal.overview import pwa
from unionportal.overview.views import DashboardView, HomeView

admin.site.site_header = "工会劳动领域信息员工作平台 · 管理后台"
admin.site.site_title = "信息员平台管理"
admin.site.index_title = "数据管理"

officer_patterns = [
    *officer_urls.urlpatterns,
    path("<int:pk>/", OfficerDetailView.as_view(), name="detail"),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", PortalLogoutView.as_view(), name="logout"),
    path("accounts/password/", PortalPasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/", include(security_urls.account_patterns)),
    path("security/", include(security_urls.security_patterns)),
    path("audit/", include(security_urls.audit_patterns)),
    path("system/", include(security_urls.system_patterns)),
    path("officers/", include((officer_patterns, officer_urls.app_name))),
    path("reports/", include("reports.urls")),
    path("disputes/", include("disputes.urls")),
    path("imports/", include("unionportal.core.imports.urls")),
    path("", include("unionportal.overview.urls")),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    # The admin site signs in through the portal's login (password and second factor), never its own form.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
]

handler403 = "unionportal.core.views.permission_denied"
handler404 = "unionportal.core.views.page_not_found"
handler500 = "unionportal.core.views.server_error"
