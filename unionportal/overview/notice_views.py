"""The monthly ranking notice's pages: the list (with a city's counties ranked), a notice, the
foreword, publishing, the files."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView

from officers.models import County
from officers.permissions import AdminRequiredMixin
from reports import rules
from reports import selectors as report_selectors
from reports.views import XLSX_TYPE
from unionportal.core.actions import ServiceActionView
from unionportal.core.attachments import private_file_response
from unionportal.core.audit import audit_record
from unionportal.core.figures import percent
from unionportal.core.models import AuditEntry
from unionportal.core.validators import multiline_text

from . import notices
from .models import RankingNotice
from .notice_export import TOWNSHIP_NONE, UNIT_NONE, notice_docx, notice_xlsx, summary_lines

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ForewordForm(forms.Form):
    foreword = forms.CharField(
        label="按语",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[multiline_text],
        help_text="写在通报正文之前的话，如表扬、要求；可以不写",
    )


class PublishForm(forms.Form):
    confirm = forms.BooleanField(label="已审核通报内容，确认发布并通知全县信息员", required=True)


def last_month():
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


class NoticeListView(LoginRequiredMixin, TemplateView):
    template_name = "overview/notice_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["notices"] = RankingNotice.objects.visible_to(user).select_related("county")[:48]
        context["default_month"] = last_month().strftime("%Y-%m")
        if user.is_portal_staff:
            counties = list(County.objects.visible_to(user).order_by("code"))
            if user.is_regional_staff or len(counties) > 1:
                # A city (or anyone over several counties) sees its counties ranked the same way.
                text = self.request.GET.get("month", "")
                try:
                    month = rules.parse_month(text) if text else last_month()
                except ValueError as exc:
                    messages.error(self.request, str(exc))
                    month = last_month()
                context["ranking_month"] = month
                context["counties_ranked"] = report_selectors.counties_ranked(counties=counties, month=month)
        return context


class NoticeBuildView(AdminRequiredMixin, View):
    """生成草稿 on demand: the same build as the job of the 2nd."""

    def post(self, request):
        county = request.user.county
        if county is None:
            raise Http404("您的账号没有所属县区")
        try:
            month = rules.parse_month(request.POST.get("month", ""))
            notice = notices.notice_build(county=county, month=month)
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect("overview:notices")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("overview:notices")
        messages.success(request, f"{month.year}年{month.month}月通报草稿已生成，请审核后发布")
        return redirect("overview:notice", pk=notice.pk)


class NoticeScopedMixin:
    def get_notice(self) -> RankingNotice:
        if not hasattr(self, "_notice"):
            notice = RankingNotice.objects.visible_to(self.request.user).select_related("county", "published_by")
            notice = notice.filter(pk=self.kwargs["pk"]).first()
            if notice is None:
                raise Http404("没有找到该通报")
            self._notice = notice
        return self._notice


class NoticeDetailView(LoginRequiredMixin, NoticeScopedMixin, TemplateView):
    template_name = "overview/notice_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notice = self.get_notice()
        f = notice.figures
        context.update(
            notice=notice,
            f=f,
            lines=summary_lines(notice),
            townships=[
                {**t, "rate": percent(t["reporting_rate"]), "name": t["township"] or TOWNSHIP_NONE}
                for t in f["townships"]
            ],
            units=[
                {**u, "rate": percent(u["reporting_rate"]), "name": u["unit"] or UNIT_NONE} for u in f.get("units", [])
            ],
            may_edit=self.request.user.is_portal_admin and notice.state == RankingNotice.State.DRAFT,
            foreword_form=kwargs.get("foreword_form") or ForewordForm(initial={"foreword": notice.foreword}),
            publish_form=kwargs.get("publish_form") or PublishForm(),
        )
        return context


class NoticeActionMixin(AdminRequiredMixin, NoticeScopedMixin, ServiceActionView):
    detail_view = NoticeDetailView
    load_method, cache_attr, url_name = "get_notice", "_notice", "overview:notice"


class NoticeForewordView(NoticeActionMixin):
    form_class, form_name, success_message = ForewordForm, "foreword_form", "按语已保存"

    def act(self, notice, data):
        notices.notice_foreword(notice=notice, foreword=data["foreword"])


class NoticePublishView(NoticeActionMixin):
    form_class, form_name = PublishForm, "publish_form"

    def act(self, notice, data):
        published = notices.notice_publish(notice=notice, actor=self.request.user, request=self.request)
        return f"通报已发布（{published.number}），已通知全县在岗信息员"


class NoticeDownloadView(LoginRequiredMixin, NoticeScopedMixin, View):
    """The kept file of a published notice; a draft's file is made on the spot (staff only)."""

    def get(self, request, pk):
        notice = self.get_notice()
        kind = request.GET.get("format", "docx")
        if kind not in ("docx", "xlsx"):
            raise Http404("不支持的格式")
        if kind == "xlsx" and not request.user.is_portal_staff:
            raise Http404("不支持的格式")
        name = f"{notice.county.name}{notice.month:%Y年%m月}信息报送通报.{kind}"
        audit_record(
            actor=request.user, action=AuditEntry.Action.EXPORT, county=notice.county_id, target=name, request=request
        )
        kept = notice.docx_file if kind == "docx" else notice.xlsx_file
        if kept:
            return private_file_response(kept, filename=name, content_type=DOCX_TYPE if kind == "docx" else XLSX_TYPE)
        data = notice_docx(notice) if kind == "docx" else notice_xlsx(notice)
        response = HttpResponse(data, content_type=DOCX_TYPE if kind == "docx" else XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
