from django.urls import path

from unionportal.core.imports.views import ImportStartView

from . import views

app_name = "disputes"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("new/", views.CaseCreateView.as_view(), name="create"),
    path("import/", ImportStartView.as_view(kind="disputes"), name="import"),
    path("stats/", views.DisputeStatsView.as_view(), name="stats"),
    path("from-report/<int:report_pk>/", views.CaseFromReportView.as_view(), name="from_report"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:pk>/correct/", views.CaseCorrectView.as_view(), name="correct"),
    path("<int:pk>/move/", views.CaseMoveView.as_view(), name="move"),
    path("<int:pk>/follow-up/", views.FollowUpView.as_view(), name="follow_up"),
    path("<int:pk>/outcome/", views.OutcomeView.as_view(), name="outcome"),
    path("<int:pk>/outcomes/<int:outcome_pk>/correct/", views.OutcomeCorrectView.as_view(), name="outcome_correct"),
    path("<int:pk>/outcomes/<int:outcome_pk>/void/", views.OutcomeVoidView.as_view(), name="outcome_void"),
    path("<int:pk>/tell/", views.CaseTellView.as_view(), name="tell"),
    path("<int:pk>/risk/", views.CaseRiskView.as_view(), name="risk"),
    path("<int:pk>/extend/", views.CaseExtendView.as_view(), name="extend"),
    path("<int:pk>/instalments/", views.InstalmentsView.as_view(), name="instalments"),
    path("<int:pk>/agreement/", views.AgreementView.as_view(), name="agreement"),
    path("<int:pk>/agreement.docx", views.AgreementDocxView.as_view(), name="agreement_docx"),
    path("<int:pk>/court-confirmation/", views.CourtConfirmView.as_view(), name="court_confirm"),
    path("agreement-template/", views.AgreementTemplateView.as_view(), name="agreement_template"),
    path("<int:pk>/return-visit/", views.ReturnVisitView.as_view(), name="return_visit"),
    path("<int:pk>/attach/", views.AttachView.as_view(), name="attach"),
    path("<int:pk>/link-report/", views.LinkReportView.as_view(), name="link_report"),
    path("attachments/<int:pk>/", views.CaseAttachmentView.as_view(), name="attachment"),
]
