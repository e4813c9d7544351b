"""The enterprise risk ledger's pages: the county's enterprises (filtered, exportable) and one
enterprise over time. Staff only; an officer is refused, another county's enterprise is not found."""

import csv
import io

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import ListView, TemplateView
from openpyxl import Workbook

from officers.models import Enterprise
from officers.permissions import StaffRequiredMixin
from unionportal.core.audit import audit_record
from unionportal.core.exports import escape_formula
from unionportal.core.list_views import ForgivingPaginationMixin
from unionportal.core.models import AuditEntry

from . import enterprises as ledger

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class EnterpriseFilterMixin:
    def filters(self) -> dict:
        get = self.request.GET
        return {"township": get.get("township", ""), "industry": get.get("industry", ""), "q": get.get("q", "")}

    def enterprises(self):
        return ledger.enterprise_list(user=self.request.user, **self.filters())


class EnterpriseListView(StaffRequiredMixin, EnterpriseFilterMixin, ForgivingPaginationMixin, ListView):
    template_name = "overview/enterprise_list.html"
    context_object_name = "enterprises"
    paginate_by = 30

    def get_queryset(self):
        return self.enterprises()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            f=self.filters(),
            query_without_page=query.urlencode(),
            epoch=ledger.EPOCH,
            **ledger.filter_choices(user=self.request.user),
        )
        return context


class EnterpriseExportView(StaffRequiredMixin, EnterpriseFilterMixin, View):
    """The list as filtered, .xlsx (numbers as numbers) or .csv; every text cell escaped."""

    def get(self, request):
        kind = request.GET.get("format", "xlsx")
        if kind not in ("xlsx", "csv"):
            raise Http404("不支持的格式")
        name = f"企业风险台账{timezone.localdate():%Y%m%d}.{kind}"
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.EXPORT,
            county=request.user.county_id,
            target=name,
            request=request,
        )
        rows = ledger.export_rows(self.enterprises().iterator(chunk_size=500))
        if kind == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(ledger.EXPORT_HEADERS)
            writer.writerows(rows)
            response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(xlsx_bytes(rows), content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response


def xlsx_bytes(rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(escape_formula("企业风险台账"))
    sheet.append(list(ledger.EXPORT_HEADERS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class EnterpriseDetailView(StaffRequiredMixin, TemplateView):
    template_name = "overview/enterprise_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context.update(ledger.enterprise_ledger(user=self.request.user, pk=self.kwargs["pk"]))
        except Enterprise.DoesNotExist:
            raise Http404("没有找到该企业") from None
        context["repeat_days"] = ledger.REPEAT_WINDOW_DAYS
        return context
