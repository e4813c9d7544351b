"""The unit tree above the county (contract §6) and the scoping rule at every level."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from officers.models import County, Enterprise, Officer, Region, Township, User
from reports.models import Report
from tests.factories import PASSWORD, CountyFactory, OfficerFactory, RegionFactory, ReportFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def tree(county):
    """江苏省 › 盐城市 › 滨海县, and 阜宁县 under the same city; 南京市 beside it with 玄武区."""
    province = RegionFactory(code="320000", name="江苏省", level=Region.Level.PROVINCE)
    city = RegionFactory(code="320900", name="盐城市", parent=province)
    other_city = RegionFactory(code="320100", name="南京市", parent=province)
    county.region = city
    county.save()
    neighbour = CountyFactory(code="320923", name="阜宁县", region=city)
    far = CountyFactory(code="320102", name="玄武区", region=other_city)
    return {
        "province": province,
        "city": city,
        "other_city": other_city,
        "county": county,
        "neighbour": neighbour,
        "far": far,
    }


def test_create_region_city_under_province_then_again_changes_nothing():
    assert run("create_region", "--code", "320000", "--name", "江苏省", "--level", "province") == (
        "已保存：江苏省（320000）（省）"
    )
    args = ("create_region", "--code", "320900", "--name", "盐城市", "--level", "city", "--parent", "320000")
    assert run(*args) == "已保存：盐城市（320900）（市），上级单位 江苏省（320000）"
    assert run(*args) == "未变化：盐城市（320900）（市），上级单位 江苏省（320000）"
    assert Region.objects.get(code="320900").parent.code == "320000"


@pytest.mark.parametrize(
    "args, message",
    [
        (("--code", "3209", "--name", "盐城市", "--level", "city"), "市、省单位代码应为6位数字行政区划代码"),
        (
            ("--code", "320900", "--name", "盐城市", "--level", "city", "--parent", "999999"),
            "上级单位代码 999999 不存在，请先用 create_region 创建",
        ),
        (("--code", "320922", "--name", "滨海", "--level", "city"), "代码 320922 已是县区的代码，不能再用作市、省单位"),
    ],
)
def test_create_region_refuses_bad_input(county, args, message):
    with pytest.raises(CommandError) as exc:
        run("create_region", *args)
    assert str(exc.value) == message
    assert not Region.objects.exists()


def test_a_province_has_no_parent_and_a_city_sits_under_a_province():
    run("create_region", "--code", "320000", "--name", "江苏省", "--level", "province")
    run("create_region", "--code", "320900", "--name", "盐城市", "--level", "city", "--parent", "320000")
    with pytest.raises(CommandError) as exc:
        run("create_region", "--code", "320800", "--name", "淮安市", "--level", "city", "--parent", "320900")
    assert str(exc.value) == "市的上级单位应为省"
    with pytest.raises(CommandError) as exc:
        run("create_region", "--code", "330000", "--name", "浙江省", "--level", "province", "--parent", "320000")
    assert str(exc.value) == "省级单位没有上级单位"
    with transaction.atomic(), pytest.raises(IntegrityError):
        Region.objects.filter(code="320000").update(parent=Region.objects.get(code="320900"))


def test_create_county_with_parent_places_it_under_the_city():
    run("create_region", "--code", "320000", "--name", "江苏省", "--level", "province")
    run("create_region", "--code", "320900", "--name", "盐城市", "--level", "city", "--parent", "320000")
    args = ("create_county", "--code", "320922", "--name", "滨海县", "--townships", "东坎街道", "--parent", "320900")
    assert run(*args) == "已保存：滨海县（320922），镇区街道 1 个，上级单位 盐城市（320900）"
    assert run(*args) == "未变化：滨海县（320922），镇区街道 1 个，上级单位 盐城市（320900）"
    county = County.objects.get(code="320922")
    assert (county.region.code, county.city, county.province) == ("320900", "盐城市", "江苏省")
    with pytest.raises(CommandError) as exc:
        run("create_county", "--code", "320923", "--name", "阜宁县", "--parent", "320901")
    assert str(exc.value) == "上级单位代码 320901 不存在，请先用 create_region 创建"


def test_create_staff_with_unit_places_the_account_in_a_city(tree):
    args = ["create_staff", "--phone", "13900000011", "--name", "孙市审", "--unit", "320900", "--role", "reviewer"]
    assert run(*args, "--password", "Yancheng@2026") == "已创建：孙市审（13900000011，县总工会工作人员，盐城市）"
    user = User.objects.get(username="13900000011")
    assert (user.region.code, user.county_id, user.password_change_required) == ("320900", None, True)
    # --unit with a county's code is a county account, as --county is.
    run(
        "create_staff",
        "--phone",
        "13900000012",
        "--name",
        "周",
        "--unit",
        "320922",
        "--role",
        "admin",
        "--password",
        "Binhai@2026",
    )
    assert User.objects.get(username="13900000012").county.code == "320922"
    with pytest.raises(CommandError) as exc:
        run(*args[:6], "999999", "--role", "reviewer", "--password", "Yancheng@2026")
    assert str(exc.value) == "单位代码 999999 不存在，请先用 create_county 或 create_region 创建"


def test_an_account_belongs_to_one_unit(tree):
    with transaction.atomic(), pytest.raises(IntegrityError):
        ReviewerFactory(county=tree["county"], region=tree["city"])


def test_city_staff_see_no_county_row_of_their_own_counties(tree):
    officer = OfficerFactory(county=tree["county"])
    ReportFactory(officer=officer, status=Report.Status.SUBMITTED)
    city_reviewer = ReviewerFactory(county=None, region=tree["city"])
    assert not Report.objects.visible_to(city_reviewer).exists()
    assert not Officer.objects.visible_to(city_reviewer).exists()
    assert not Township.objects.visible_to(city_reviewer).exists()
    assert not Enterprise.objects.visible_to(city_reviewer).exists()
    # The list of counties below is theirs to see (for figures and filters), and no other city's.
    assert set(County.objects.visible_to(city_reviewer).values_list("code", flat=True)) == {"320922", "320923"}


def test_the_province_sees_the_counties_and_cities_below_it(tree):
    province_reviewer = ReviewerFactory(county=None, region=tree["province"])
    assert set(County.objects.visible_to(province_reviewer).values_list("code", flat=True)) == {
        "320922",
        "320923",
        "320102",
    }
    assert set(Region.objects.visible_to(province_reviewer).values_list("code", flat=True)) == {
        "320000",
        "320900",
        "320100",
    }
    city_reviewer = ReviewerFactory(county=None, region=tree["city"])
    # A city sees itself and the province above it (whose bulletins reach it), not its sister city.
    assert set(Region.objects.visible_to(city_reviewer).values_list("code", flat=True)) == {"320900", "320000"}


def test_county_staff_see_the_units_above_their_county_and_officers_none(tree):
    reviewer = ReviewerFactory(county=tree["county"])
    assert set(Region.objects.visible_to(reviewer).values_list("code", flat=True)) == {"320900", "320000"}
    assert list(County.objects.visible_to(reviewer).values_list("code", flat=True)) == ["320922"]
    officer = OfficerFactory(county=tree["county"])
    assert not Region.objects.visible_to(officer.user).exists()


def test_a_superuser_without_a_unit_sees_everything(tree):
    root = User.objects.create_superuser("13000000000", password=PASSWORD)
    assert County.objects.visible_to(root).count() == 3
    assert Region.objects.visible_to(root).count() == 3


def test_city_reviewer_pages_show_no_officer(client, tree):
    officer = OfficerFactory(county=tree["county"], name="王建国")
    ReportFactory(officer=officer, status=Report.Status.SUBMITTED, title="某厂拖欠工资")
    city_reviewer = ReviewerFactory(county=None, region=tree["city"])
    client.force_login(city_reviewer)
    for name in ("home", "reports:queue", "officers:list"):
        response = client.get(reverse(name))
        assert response.status_code in (200, 302, 403), name
        body = response.content.decode()
        assert "王建国" not in body and "某厂拖欠工资" not in body and officer.phone not in body, name
