from django.urls import path

from unionportal.core.imports.views import ImportStartView

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.MyReportsView.as_view(), name="mine"),
    path("new/", views.ReportCreateView.as_view(), name="create"),
    path("new/offline/", views.ReportOfflineShellView.as_view(), name="offline_shell"),
    path("new/outbox/", views.ReportOutboxView.as_view(), name="outbox"),
    path("review/", views.ReviewQueueView.as_view(), name="queue"),
    path("import/", ImportStartView.as_view(kind="reports"), name="import"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ReportEditView.as_view(), name="edit"),
    path("<int:pk>/withdraw/", views.ReportWithdrawView.as_view(), name="withdraw"),
    path("<int:pk>/delete/", views.ReportDeleteDraftView.as_view(), name="delete_draft"),
    path("<int:pk>/grade/", views.ReportGradeView.as_view(), name="grade"),
    path("<int:pk>/return/", views.ReportReturnView.as_view(), name="return"),
    path("<int:pk>/forward/", views.ReportForwardView.as_view(), name="forward"),
    path("forwarded/", views.ForwardQueueView.as_view(), name="forwarded_queue"),
    path("forwarded/<int:pk>/", views.ForwardedItemDetailView.as_view(), name="forwarded"),
    path("forwarded/<int:pk>/adopt/", views.ForwardAdoptView.as_view(), name="forwarded_adopt"),
    path("forwarded/<int:pk>/refuse/", views.ForwardRefuseView.as_view(), name="forwarded_refuse"),
    path("forwarded/<int:pk>/forward/", views.ForwardOnView.as_view(), name="forwarded_forward_on"),
    path("forwarded/<int:pk>/reveal/", views.OfficerRevealView.as_view(), name="forwarded_reveal"),
    path(
        "forwarded/<int:pk>/attachments/<int:attachment_pk>/",
        views.ForwardedAttachmentView.as_view(),
        name="forwarded_attachment",
    ),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
    path("stipends/", views.StipendSheetView.as_view(), name="stipends"),
    path("stipends/approve/", views.SheetApproveView.as_view(), name="stipends_approve"),
    path("stipends/reopen/", views.SheetReopenView.as_view(), name="stipends_reopen"),
    path("stipends/export/", views.SheetExportView.as_view(), name="stipends_export"),
    path("budget/", views.BudgetView.as_view(), name="budget"),
    path("<int:pk>/merge/", views.ReportMergeView.as_view(), name="merge"),
    path("events/", views.EventListView.as_view(), name="events"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event"),
    path("events/<int:pk>/followup/", views.EventEntryCreateView.as_view(), name="event_followup"),
    path("events/<int:pk>/final/", views.EventFinalCreateView.as_view(), name="event_final"),
    path("events/entries/<int:pk>/confirm/", views.EventEntryConfirmView.as_view(), name="event_entry_confirm"),
    path("<int:pk>/risk/", views.ReportRiskView.as_view(), name="risk"),
    path("supervision/", views.SupervisionListView.as_view(), name="supervision"),
    path("supervision/<int:pk>/", views.SupervisionDetailView.as_view(), name="supervision_detail"),
    path("supervision/<int:pk>/respond/", views.SupervisionRespondView.as_view(), name="supervision_respond"),
    path("supervision/<int:pk>/close/", views.SupervisionCloseView.as_view(), name="supervision_close"),
    path("supervision/<int:pk>/extend/", views.SupervisionExtendView.as_view(), name="supervision_extend"),
    path("supervision/<int:pk>/decide/", views.ExtensionDecideView.as_view(), name="supervision_decide"),
    path("me/", views.MyInfoView.as_view(), name="my_info"),
    path("me/export.json", views.MyInfoExportView.as_view(), {"fmt": "json"}, name="my_info_json"),
    path("me/export.xlsx", views.MyInfoExportView.as_view(), {"fmt": "xlsx"}, name="my_info_xlsx"),
]
