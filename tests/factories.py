import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from officers import rules
from officers.models import County, Enterprise, Officer, Region, Township, User

PASSWORD = "Test-pass-2026"


class CountyFactory(DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{320900 + n:06d}")
    name = factory.Sequence(lambda n: f"测试县{n}")
    city = "盐城市"
    province = "江苏省"


class TownshipFactory(DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ("county", "name")

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"测试镇{n}")
    sort_key = factory.LazyAttribute(lambda t: rules.pinyin_key(t.name))


def _credit_code(n):
    first17 = f"91320922MA{n:07d}"
    return first17 + rules.credit_code_check_char(first17)


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.Sequence(lambda n: _credit_code(n + 5000))
    county = factory.SubFactory(CountyFactory)
    staff_count = 200


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"136{n:08d}")
    full_name = factory.Sequence(lambda n: f"工作人员{n}")
    role = User.Role.REVIEWER
    county = factory.SubFactory(CountyFactory)
    password = factory.django.Password(PASSWORD)


class ReviewerFactory(UserFactory):
    role = User.Role.REVIEWER


class AdminFactory(UserFactory):
    role = User.Role.ADMIN
    is_staff = True


class OfficerFactory(DjangoModelFactory):
    """Officers are made through the service, so they get their account and history as in real use."""

    class Meta:
        model = Officer

    name = factory.Sequence(lambda n: f"信息员{n}")
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    county = factory.SubFactory(CountyFactory)
    category = Officer.Category.FRONTLINE
    status = Officer.Status.ACTIVE

    @classmethod
    def _create(cls, model_class, *args, password=PASSWORD, **kwargs):
        from officers.services import officer_save, officer_set_password, password_changed

        officer = officer_save(officer=model_class(*args, **kwargs))
        if password:
            officer_set_password(officer=officer, password=password, actor=None)
            password_changed(user=officer.user)  # as if the officer had already chosen it
        return officer


class ReportFactory(DjangoModelFactory):
    """A submitted report as stored; tests of the submission itself go through the service."""

    class Meta:
        model = "reports.Report"

    officer = factory.SubFactory(OfficerFactory)
    county = factory.LazyAttribute(lambda r: r.officer.county)
    title = factory.Sequence(lambda n: f"信息{n}")
    content = "某企业职工反映情况"
    category = "wage_arrears"
    urgency = "general"
    status = "submitted"
    grade = "pending"
    occurred_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.LazyAttribute(lambda r: r.occurred_at)
    on_time = True


def image_bytes() -> bytes:
    """A real (tiny) PNG."""
    import base64

    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )


# What an emergency's 初报 must carry beside its time, place and content (reports.rules.initial_report_problems).
EMERGENCY_ESSENTIALS = {"enterprise_name": "某服装厂", "workers_involved": 40, "demands": "要求结清拖欠的工资"}


class RegionFactory(DjangoModelFactory):
    """A unit above the county: a city by default (give ``parent`` a province for the full tree)."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{330000 + 100 * (n + 1):06d}")
    name = factory.Sequence(lambda n: f"测试市{n}")
    level = Region.Level.CITY
    parent = None


class RegionalReviewerFactory(UserFactory):
    """A reviewer of a city or province union (an account of a region, not of a county)."""

    county = None
    region = factory.SubFactory(RegionFactory)
    role = User.Role.REVIEWER


def unit_tree(county, other_county=None):
    """江苏省 › 盐城市 › the county (and ``other_county``), beside 淮安市 › 淮安区 (another city, another
    county): the tree the tests of forwarding and the sweep use. Returns a dict of the units."""
    province = RegionFactory(code="320000", name="江苏省", level=Region.Level.PROVINCE)
    city = RegionFactory(code="320900", name="盐城市", parent=province)
    other_city = RegionFactory(code="320800", name="淮安市", parent=province)
    far_county = CountyFactory(code="320803", name="淮安区")
    for place, region in ((county, city), (other_county, city), (far_county, other_city)):
        if place is not None:
            place.region = region
            place.save(update_fields=["region"])
    return {"province": province, "city": city, "other_city": other_city, "far_county": far_county}
