"""The portal's own ledger import pages: upload → the whole file checked (a dry run) → a preview with
the ledger's Chinese columns and every bad row's number and reason → confirm → written, all or
nothing. A large file is checked and written by a Celery task while the page shows a progress bar;
closing the page loses nothing (the job and its result are kept)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from ..forms import add_service_errors
from ..models import ImportJob
from . import services, tasks
from .reading import megabytes
from .registry import ledger_kind


class PortalAdminMixin(LoginRequiredMixin):
    """County admins only (the user's ``is_portal_admin``); a job is its uploader's alone."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not getattr(request.user, "is_portal_admin", False):
            raise PermissionDenied("只有县总工会管理员可以导入台账")
        if getattr(request.user, "is_regional_staff", False):
            # Ledgers are a county's: a city's or province's admin has none to import.
            raise PermissionDenied("台账由各县区导入；市、省总工会的工作人员请从“上报信息”查看各县区上报的信息")
        return super().dispatch(request, *args, **kwargs)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="台账文件（.xlsx 或 UTF-8 编码的 .csv）")


class ImportStartView(PortalAdminMixin, FormView):
    template_name = "core/import_start.html"
    form_class = ImportUploadForm
    kind = ""

    def get_ledger(self):
        try:
            return ledger_kind(self.kind)
        except KeyError:
            raise Http404("没有这种台账") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ledger"] = self.get_ledger()
        context["jobs"] = ImportJob.objects.filter(user=self.request.user, kind=self.kind)[:10]
        context["max_megabytes"] = megabytes(settings.IMPORT_MAX_BYTES)
        context["max_rows"] = settings.IMPORT_MAX_ROWS
        context["background_rows"] = settings.IMPORT_BACKGROUND_ROWS
        return context

    def form_valid(self, form):
        self.get_ledger()
        try:
            job = services.job_start(kind=self.kind, user=self.request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        tasks.job_dispatch(job)
        return redirect("imports:job", pk=job.pk)


class JobMixin(PortalAdminMixin):
    def get_job(self) -> ImportJob:
        job = get_object_or_404(ImportJob, pk=self.kwargs["pk"], user=self.request.user)
        try:
            ledger_kind(job.kind)
        except KeyError:
            raise Http404("没有这种台账") from None
        return job


class ImportJobView(JobMixin, TemplateView):
    template_name = "core/import_job.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.get_job()
        ledger = ledger_kind(job.kind)
        preview = job.preview or []
        context.update(
            job=job,
            ledger=ledger,
            progress=services.job_progress(job),
            preview_columns=preview[0]["columns"] if preview else [],
            preview_rows=preview[1:],
            start_url=reverse(ledger.start_url_name),
        )
        return context


class ImportJobStatusView(JobMixin, View):
    """The progress bar's poll (static/js/import_progress.js)."""

    def get(self, request, *args, **kwargs):
        return JsonResponse(services.job_progress(self.get_job()))


class ImportJobConfirmView(JobMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            job = services.job_confirm(job=self.get_job(), user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("imports:job", pk=kwargs["pk"])
        tasks.job_dispatch(job)
        return redirect("imports:job", pk=job.pk)


class ImportJobCancelView(JobMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            services.job_cancel(job=self.get_job(), user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("imports:job", pk=kwargs["pk"])
