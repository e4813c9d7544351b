"""Points (积分): staff's table by officer, township and unit for a month or a year; an officer's own."""

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from officers.permissions import OfficerRequiredMixin, StaffRequiredMixin

from .. import rules, selectors

GROUPINGS = {"officer": "按信息员", "township": "按镇区街道", "unit": "按单位（企业工会）"}


def parse_period(text: str, today: date) -> tuple[int, int | None]:
    """``YYYY-MM`` (a month) or ``YYYY`` (a year); ValueError in Chinese."""
    text = (text or "").strip()
    if len(text) == 4:
        return rules.parse_year(text), None
    month = rules.parse_month(text)
    return month.year, month.month


class PointsTableView(StaffRequiredMixin, TemplateView):
    """A county's officers by name: the county's staff (a city or province sees counties ranked on the
    notice page, never an officer's name)."""

    template_name = "reports/points_table.html"
    permission_denied_message = "积分表列出信息员个人，由县总工会查看"

    def test_func(self):
        return super().test_func() and not self.request.user.is_regional_staff

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        county = selectors.county_for_admin(user=self.request.user, code=self.request.GET.get("county"))
        if county is None:
            raise Http404("没有可查看的县区")
        text = self.request.GET.get("period", "")
        year, month = today.year, today.month
        if text:
            try:
                year, month = parse_period(text, today)
            except ValueError as exc:
                messages.error(self.request, str(exc))
        by = self.request.GET.get("by", "officer")
        if by not in GROUPINGS:
            by = "officer"
        start, end = selectors.points.period_months(year=year, month=month)
        end = min(end, today.replace(day=1)) if start <= today else end
        rows = selectors.county_points(county_id=county.pk, start=start, end=end)
        context.update(
            county=county,
            year=year,
            month=month,
            period=f"{year}-{month:02d}" if month else str(year),
            period_label=f"{year}年{month}月" if month else f"{year}年",
            by=by,
            groupings=GROUPINGS,
            rows=rows if by == "officer" else selectors.grouped_points(rows, by=by),
            table=selectors.points.points_table_in_force(county_id=county.pk, month=end),
            fact_labels=rules.FACT_LABELS,
        )
        return context


class MyPointsView(OfficerRequiredMixin, TemplateView):
    template_name = "reports/my_points.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        officer = self.request.user.officer
        context.update(
            points=selectors.officer_points(officer=officer, year=today.year, month=today.month),
            today=today,
            fact_labels=rules.FACT_LABELS,
            penalties=rules.PENALTIES,
        )
        return context
