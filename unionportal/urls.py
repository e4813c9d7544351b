from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from officers.auth_forms import PortalLoginView, PortalPasswordChangeView
from officers.views import HomeView
from reports.views import DashboardView

from . import views

admin.site.site_header = "工会劳动领域信息员工作平台 · 管理后台"
admin.site.site_title = "信息员平台管理"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PortalPasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("officers/", include("officers.urls")),
    path("reports/", include("reports.urls")),
    path("disputes/", include("disputes.urls")),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("admin/", admin.site.urls),
]

handler403 = "unionportal.views.permission_denied"
handler404 = "unionportal.views.page_not_found"
handler500 = "unionportal.views.server_error"
