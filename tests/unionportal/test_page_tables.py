"""Every table of the summary, dispute statistics and dashboard pages has column headers; the summary
shows changes with their sign and the 按紧急程度 table; amounts carry thousands separators."""

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from disputes import services as dispute_services
from reports.models import Budget, BudgetLine
from tests.factories import AdminFactory, EnterpriseFactory, ReviewerFactory
from tests.overview.test_summaries import OCT, october  # noqa: F401  (the summary's fixed October)
from unionportal.overview import summaries

pytestmark = pytest.mark.django_db


class Tables(HTMLParser):
    """Each <table> of a page: whether it has a <thead> with headers, its caption and body rows."""

    def __init__(self):
        super().__init__()
        self.tables, self._stack, self._cell = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._stack.append({"thead": [], "rows": [], "caption": "", "testid": dict(attrs).get("data-testid")})
            self._part = None
        elif self._stack:
            table = self._stack[-1]
            if tag in ("thead", "tbody", "caption"):
                self._part = tag
            elif tag == "tr" and self._part == "tbody":
                table["rows"].append([])
            elif tag in ("th", "td"):
                self._cell = [tag, ""]

    def handle_endtag(self, tag):
        if tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        elif tag in ("th", "td") and self._cell and self._stack:
            table = self._stack[-1]
            kind, text = self._cell
            if self._part == "thead" and kind == "th":
                table["thead"].append(text.strip())
            elif self._part == "tbody" and table["rows"]:
                table["rows"][-1].append(text.strip())
            self._cell = None
        elif tag == "caption":
            self._part = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data
        elif self._stack and self._part == "caption":
            self._stack[-1]["caption"] += data.strip()


def tables(response):
    assert response.status_code == 200
    parser = Tables()
    parser.feed(response.content.decode())
    assert parser.tables
    return parser.tables


def assert_every_table_has_headers(found):
    for table in found:
        assert table["thead"] and all(table["thead"]), f"a table without column headers: {table}"


def test_the_summary_page_has_headers_signed_changes_and_the_urgency_table(client, county, october):  # noqa: F811
    summary = summaries.summary_build(county=county, month=OCT)
    client.force_login(october["reviewer"])
    response = client.get(reverse("overview:summary", args=[summary.pk]))
    found = tables(response)
    assert_every_table_has_headers(found)
    by_id = {t["testid"]: t for t in found}
    assert by_id["table-by_category"]["thead"] == ["信息类别", "本月", "上月", "增减"]
    category_rows = {row[0]: row[1:] for row in by_id["table-by_category"]["rows"]}
    assert category_rows["欠薪讨薪"] == ["2", "1", "+1"]
    assert category_rows["安全生产"] == ["0", "1", "-1"]
    assert category_rows["其他"] == ["0", "0", "0"]
    assert by_id["table-by_urgency"]["caption"] == "按紧急程度"
    assert by_id["table-by_urgency"]["thead"] == ["紧急程度", "本月", "上月", "增减"]
    assert by_id["table-by_urgency"]["rows"] == [["一般", "2", "2", "0"], ["突发", "2", "0", "+2"]]
    assert {row[0]: row[3] for row in by_id["table-by_township"]["rows"]} == {"东坎街道": "0", "五汛镇": "+2"}
    assert by_id["table-disputes"]["rows"][3] == ["清理欠薪（元）", "1,260,000.00"]
    body = response.content.decode()
    assert '变化 <span data-testid="summary-change">+2</span>' in body


def test_a_summary_built_before_the_urgency_breakdown_still_opens(client, county, october):  # noqa: F811
    summary = summaries.summary_build(county=county, month=OCT)
    summary.figures.pop("by_urgency")
    summary.save()
    client.force_login(october["reviewer"])
    found = tables(client.get(reverse("overview:summary", args=[summary.pk])))
    assert "table-by_urgency" not in {t["testid"] for t in found}
    assert "table-by_category" in {t["testid"] for t in found}


def test_the_dispute_statistics_page_has_headers_and_separators(client, county):
    reviewer = ReviewerFactory(county=county)
    case = dispute_services.case_register(
        county=county,
        actor=reviewer,
        dispute_type="wage_arrears",
        workers_involved=126,
        enterprise=EnterpriseFactory(county=county),
        registered_on=date(2026, 10, 13),
    )
    dispute_services.case_move(case=case, to_status="mediating", actor=reviewer, on=date(2026, 10, 14))
    dispute_services.case_move(case=case, to_status="succeeded", actor=reviewer, on=date(2026, 10, 28))
    dispute_services.outcome_add(
        case=case, actor=reviewer, kind="wages", amount=Decimal("1260000"), received_on=date(2026, 10, 30)
    )
    client.force_login(reviewer)
    response = client.get(reverse("disputes:stats"), {"start": "2026-10-01", "end": "2026-10-31"})
    found = tables(response)
    assert_every_table_has_headers(found)
    assert [t["thead"][0] for t in found] == ["争议类型", "镇区街道", "月份", "登记时长"]
    assert 'data-testid="fig-wages">1,260,000.00</div>' in response.content.decode()
    detail = client.get(reverse("disputes:detail", args=[case.pk])).content.decode()
    assert 'data-testid="case-wages">1,260,000.00 元' in detail


def test_the_dashboard_has_headers_on_every_table(client, county):
    Budget.objects.create(county=county, year=2026, amount=Decimal("285000"))
    BudgetLine.objects.create(
        county=county, kind="stipend", spent_on=date(2026, 3, 1), amount=Decimal("12300"), description="三月补助"
    )
    client.force_login(AdminFactory(county=county))
    response = client.get(reverse("dashboard"), {"year": "2026"})
    found = tables(response)
    assert_every_table_has_headers(found)
    stipends = next(t for t in found if t["testid"] == "d-stipends")
    assert stipends["thead"][:4] == ["月份", "1月", "2月", "3月"]
    assert stipends["rows"][0][:4] == ["补助（元）", "0.00", "0.00", "12,300.00"]
    assert "预算 285,000.00 元，已支出 12,300.00 元。" in response.content.decode()


def test_the_budget_page_shows_separators(client, county):
    Budget.objects.create(county=county, year=2026, amount=Decimal("285000"))
    BudgetLine.objects.create(
        county=county, kind="equipment", spent_on=date(2026, 3, 1), amount=Decimal("1899.5"), description="执法记录仪"
    )
    client.force_login(AdminFactory(county=county))
    body = client.get("/reports/budget/", {"year": "2026"}).content.decode()
    assert 'data-testid="budget-amount">285,000.00 元' in body
    assert 'data-testid="budget-remaining">283,100.50 元' in body
