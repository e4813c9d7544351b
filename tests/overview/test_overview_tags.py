"""A region dashboard's county rows and last month's reporting line, built in Python
(overview.templatetags.overview_tags): links per county, rates as percentages, text escaped."""

from officers.models import County, Region
from unionportal.overview.templatetags.overview_tags import counties_reporting, region_rows

CITY, PROVINCE = Region(pk=2, name="盐城市"), Region(pk=1, name="江苏省")


def row(county, **figures):
    base = {
        "reports": 0,
        "adoption_rate": None,
        "above_adopted": 0,
        "forwarded": 0,
        "forwarded_adopted": 0,
        "forwarded_pending": 0,
        "instructions": 0,
    }
    return {"county": county, **base, **figures}


def test_a_provinces_counties_show_their_city_and_link_their_forwarded_items():
    binhai = County(pk=4, code="320922", name="滨海县", region=CITY)
    rows = [row(binhai, reports=120, adoption_rate=0.25, above_adopted=3, forwarded=5, forwarded_pending=2)]
    html = str(region_rows(rows, PROVINCE, "2026-01-01", "2026-12-31"))
    assert html.startswith('<tr data-testid="county-320922">\n    <th scope="row" class="fw-normal">滨海县')
    assert '<span class="text-muted">（盐城市）</span></th>' in html
    assert '<td class="text-end">120</td>\n    <td class="text-end">25%</td>\n    <td class="text-end">3</td>' in html
    link = "/reports/forwarded/?box=all&amp;status=pending&amp;county=4&amp;date_from=2026-01-01&amp;date_to=2026-12-31"
    assert f'<a href="{link}">2</a>' in html


def test_a_citys_own_counties_without_their_city_and_names_escaped():
    county = County(pk=5, code="320923", name="<i>阜宁县</i>", region=CITY)
    html = str(region_rows([row(county)], CITY, "2026-01-01", "2026-12-31"))
    assert "&lt;i&gt;阜宁县&lt;/i&gt;</th>" in html and "（盐城市）" not in html
    assert '<td class="text-end">—</td>' in html  # no reports: no rate


def test_last_months_reporting_in_one_line():
    counties = [
        {"county": "滨海县", "reported": 30, "expected": 40, "reporting_rate": 0.75},
        {"county": "阜宁县", "reported": 0, "expected": 0, "reporting_rate": None},
    ]
    assert str(counties_reporting(counties)) == "1. 滨海县 30/40（75%）；2. 阜宁县 0/0（—）"


def test_a_notices_zero_filers_in_one_line():
    from unionportal.overview.templatetags.overview_tags import zero_filer_names

    assert str(zero_filer_names([["王五", "坎北镇"], ["<b>赵六</b>", ""]])) == (
        "王五（坎北镇）、&lt;b&gt;赵六&lt;/b&gt;（未填写镇区街道）"
    )
    assert zero_filer_names([]) == "无。"


def test_a_notices_late_emergencies():
    from unionportal.overview.templatetags.overview_tags import late_emergency_lines

    rows = [["刘洋", "某厂停工", "11-03 09:05", "迟 25 分钟"], ["王五", "<i>x</i>", "11-04 10:00", ""]]
    assert str(late_emergency_lines(rows)) == (
        '<div class="small">迟报：刘洋 某厂停工（11-03 09:05，迟 25 分钟）</div>'
        '<div class="small">迟报：王五 &lt;i&gt;x&lt;/i&gt;（11-04 10:00）</div>'
    )
    assert str(late_emergency_lines([])) == '<div class="small">突发信息均按时报送。</div>'
