from django.urls import path

from . import enterprise_views, notice_views, views

app_name = "overview"

# The monthly analysis pages keep the addresses they had under reports/, so bookmarks still work.
urlpatterns = [
    path("reports/summaries/", views.SummaryListView.as_view(), name="summaries"),
    path("reports/summaries/<int:pk>/", views.SummaryDetailView.as_view(), name="summary"),
    path("reports/summaries/<int:pk>/meeting/", views.MeetingRecordView.as_view(), name="summary_meeting"),
    path("reports/summaries/<int:pk>/actions/", views.SummaryActionCreateView.as_view(), name="summary_action"),
    path("reports/summaries/<int:pk>/chart/<int:index>.png", views.SummaryChartView.as_view(), name="summary_chart"),
    path("reports/summaries/<int:pk>/download/", views.SummaryDownloadView.as_view(), name="summary_download"),
    path("reports/actions/<int:pk>/done/", views.SummaryActionDoneView.as_view(), name="action_done"),
    path("notices/", notice_views.NoticeListView.as_view(), name="notices"),
    path("notices/build/", notice_views.NoticeBuildView.as_view(), name="notice_build"),
    path("notices/<int:pk>/", notice_views.NoticeDetailView.as_view(), name="notice"),
    path("notices/<int:pk>/foreword/", notice_views.NoticeForewordView.as_view(), name="notice_foreword"),
    path("notices/<int:pk>/publish/", notice_views.NoticePublishView.as_view(), name="notice_publish"),
    path("notices/<int:pk>/download/", notice_views.NoticeDownloadView.as_view(), name="notice_download"),
    path("enterprises/", enterprise_views.EnterpriseListView.as_view(), name="enterprises"),
    path("enterprises/export/", enterprise_views.EnterpriseExportView.as_view(), name="enterprise_export"),
    path("enterprises/<int:pk>/", enterprise_views.EnterpriseDetailView.as_view(), name="enterprise"),
]
