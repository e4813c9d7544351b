"""The case list's rows built in Python (disputes.templatetags.dispute_tags.case_rows): what its
template loop rendered, the mediation clock's three looks, every text escaped."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from disputes.models import DisputeCase
from disputes.templatetags.dispute_tags import case_rows
from officers.models import Enterprise, Township


def case(**extra):
    row = DisputeCase(
        pk=9,
        number="滨劳调〔2026〕12号",
        enterprise=Enterprise(pk=3, name="<b>某电子厂</b>"),
        status="mediating",
        dispute_type="wages",
        workers_involved=120,
        registered_on=date(2026, 11, 2),
        mediation_deadline=date(2026, 11, 17),
    )
    row.wages, row.compensation = None, None
    row.days_left, row.days_over, row.court_confirmed, row.untold_overdue = None, 0, False, False
    for name, value in extra.items():
        setattr(row, name, value)
    return row


def test_a_case_in_mediation_with_three_days_left_and_money_recovered():
    html = str(case_rows([case(days_left=3, wages=Decimal("360000"), township=Township(pk=4, name="坎北镇"))]))
    assert html.startswith(
        f'<a class="list-group-item list-group-item-action" href="{reverse("disputes:detail", args=[9])}" '
        'data-testid="case-9">'
    )
    assert '<span class="fw-semibold">滨劳调〔2026〕12号 · &lt;b&gt;某电子厂&lt;/b&gt;</span>' in html
    assert '<span class="badge text-bg-primary">调解中</span>' in html
    assert "120 人 · 登记 2026-11-02 · 坎北镇\n       · 清欠 360,000.00 元</div>" in html
    soon = '<div class="small text-warning-emphasis fw-semibold" data-testid="days-left">'
    assert f"{soon}调解期限 2026-11-17 · 剩 3 天</div>" in html
    assert 'data-testid="untold"' not in html and 'data-testid="court-confirmed"' not in html


def test_overdue_and_untold_in_red():
    html = str(case_rows([case(days_left=-2, days_over=2, untold_overdue=True)]))
    assert 'class="list-group-item list-group-item-action list-group-item-danger border-danger"' in html
    assert (
        '<div class="small text-danger fw-semibold" data-testid="days-left">调解期限 2026-11-17 · 已超期 2 天</div>'
        in html
    )
    assert (
        '<div class="small text-danger fw-semibold" data-testid="untold">调解期满未告知劳动者可申请仲裁</div>' in html
    )


def test_due_today_and_a_court_confirmed_agreement():
    html = str(case_rows([case(days_left=0), case(status="succeeded", court_confirmed=True)]))
    soon = '<div class="small text-warning-emphasis fw-semibold" data-testid="days-left">'
    assert f"{soon}调解期限 2026-11-17 · 今天到期</div>" in html
    assert '<span class="badge text-bg-success me-1" data-testid="court-confirmed">已司法确认</span>' in html
    assert '<span class="badge text-bg-success">调解成功</span>' in html
