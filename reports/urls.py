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
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
    path("stipends/", views.StipendSheetView.as_view(), name="stipends"),
    path("stipends/approve/", views.SheetApproveView.as_view(), name="stipends_approve"),
    path("stipends/reopen/", views.SheetReopenView.as_view(), name="stipends_reopen"),
    path("stipends/export/", views.SheetExportView.as_view(), name="stipends_export"),
    path("budget/", views.BudgetView.as_view(), name="budget"),
    # issue 15: receipts, bulletins, leader instructions
    path("adoptions/import/", ImportStartView.as_view(kind="adoptions"), name="import_adoptions"),
    path("<int:pk>/receipt/", views.ReceiptCreateView.as_view(), name="receipt"),
    path("<int:pk>/instruction/", views.ReportInstructionView.as_view(), name="report_instruction"),
    path("adoptions/<int:pk>/receipt/", views.AdoptionReceiptView.as_view(), name="adoption_receipt"),
    path("bulletins/", views.PublicationListView.as_view(), name="publications"),
    path("bulletins/<int:pk>/", views.PublicationDetailView.as_view(), name="publication"),
    path("bulletins/issues/<int:pk>/", views.IssueDetailView.as_view(), name="issue"),
    path("bulletins/issues/<int:pk>/edit/", views.IssueUpdateView.as_view(), name="issue_update"),
    path("bulletins/issues/<int:pk>/items/", views.ItemAddView.as_view(), name="item_add"),
    path("bulletins/issues/<int:pk>/sign/", views.IssueSignView.as_view(), name="issue_sign"),
    path("bulletins/issues/<int:pk>/docx/", views.IssueDocxView.as_view(), name="issue_docx"),
    path("bulletins/items/<int:pk>/edit/", views.ItemUpdateView.as_view(), name="item_update"),
    path("bulletins/items/<int:pk>/remove/", views.ItemRemoveView.as_view(), name="item_remove"),
    path("bulletins/issues/<int:pk>/instruction/", views.IssueInstructionView.as_view(), name="issue_instruction"),
    path("instructions/", views.InstructionListView.as_view(), name="instructions"),
    path("instructions/<int:pk>/", views.InstructionDetailView.as_view(), name="instruction"),
    path("instructions/<int:pk>/feedback/", views.FollowUpFeedbackView.as_view(), name="instruction_feedback"),
    path("instructions/<int:pk>/scan/", views.InstructionScanView.as_view(), name="instruction_scan"),
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
