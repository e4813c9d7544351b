from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from officers import services
from officers.models import County, Enterprise, Officer, OfficerStatusChange, Township, User
from tests.factories import AdminFactory, OfficerFactory, TownshipFactory


@pytest.mark.django_db
class TestCountyUpsert:
    def test_creates_county_and_townships_then_changes_nothing(self):
        county, changed = services.county_upsert(code="320922", name="滨海县", townships=["东坎街道", "五汛镇"])
        assert changed is True
        assert sorted(county.townships.values_list("name", flat=True)) == ["东坎街道", "五汛镇"]
        again, changed_again = services.county_upsert(code="320922", name="滨海县", townships=["东坎街道", "五汛镇"])
        assert (again.pk, changed_again) == (county.pk, False)
        assert Township.objects.count() == 2

    def test_adds_only_new_townships(self):
        services.county_upsert(code="320922", name="滨海县", townships=["东坎街道"])
        _, changed = services.county_upsert(code="320922", name="滨海县", townships=["东坎街道", "八巨镇"])
        assert changed is True
        assert Township.objects.filter(county__code="320922").count() == 2

    def test_rejects_bad_code(self):
        with pytest.raises(ValidationError) as exc:
            services.county_upsert(code="32092", name="滨海县")
        assert "县区代码应为6位数字行政区划代码" in exc.value.messages
        assert County.objects.count() == 0


@pytest.mark.django_db
class TestStaffUpsert:
    def test_creates_admin_with_admin_site_access(self, county):
        user, created = services.staff_upsert(
            phone="13900000001", name="周管理", county_code="320922", role="admin", password="Binhai@2026"
        )
        assert created is True
        assert (user.role, user.county, user.is_staff, user.is_portal_admin) == ("admin", county, True, True)
        assert user.check_password("Binhai@2026")

    def test_reviewer_is_not_admin_site_staff_and_update_keeps_one_account(self, county):
        services.staff_upsert(
            phone="13900000002", name="陈审核", county_code="320922", role="reviewer", password="Binhai@2026"
        )
        user, created = services.staff_upsert(
            phone="13900000002", name="陈审核员", county_code="320922", role="reviewer", password="Other#pass99"
        )
        assert created is False
        assert (user.full_name, user.is_staff, user.is_portal_staff, user.is_portal_admin) == (
            "陈审核员",
            False,
            True,
            False,
        )
        assert User.objects.filter(username="13900000002").count() == 1

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"county_code": "999999"}, "县区代码 999999 不存在，请先用 create_county 创建"),
            ({"role": "officer"}, "角色只能是 reviewer（工作人员）或 admin（管理员）"),
            ({"phone": "12345"}, "手机号格式不正确：应为以1开头的11位大陆手机号（第二位3–9）"),
            ({"password": "12345678"}, "这个密码太常见了。"),
        ],
    )
    def test_bad_input_is_refused_in_chinese(self, county, kwargs, message):
        args = {
            "phone": "13900000009",
            "name": "某人",
            "county_code": "320922",
            "role": "reviewer",
            "password": "Binhai@2026",
        }
        with pytest.raises(ValidationError) as exc:
            services.staff_upsert(**(args | kwargs))
        assert message in exc.value.messages
        assert not User.objects.filter(full_name="某人").exists()

    def test_officer_phone_cannot_become_staff(self, county):
        OfficerFactory(county=county, phone="13815110001")
        with pytest.raises(ValidationError) as exc:
            services.staff_upsert(
                phone="13815110001", name="x", county_code="320922", role="admin", password="Binhai@2026"
            )
        assert exc.value.messages == ["该手机号已是信息员的登录账号，不能再用作工作人员账号"]


@pytest.mark.django_db
class TestOfficerSave:
    def test_new_officer_gets_inactive_until_active_account_and_history(self, county):
        admin = AdminFactory(county=county)
        officer = services.officer_save(
            officer=Officer(
                name="王建国", phone="13815110001", county=county, category="frontline", status="candidate"
            ),
            actor=admin,
        )
        user = officer.user
        assert (user.username, user.full_name, user.role, user.is_active) == ("13815110001", "王建国", "officer", False)
        assert not user.has_usable_password()
        change = officer.status_changes.get()
        assert (change.from_status, change.to_status, change.changed_by, change.reason) == (
            "",
            "candidate",
            admin,
            "登记",
        )
        assert officer.sort_key == "wang2 jian4 guo2"

    def test_an_active_officer_appointed_after_today_is_refused(self, county):
        tomorrow = timezone.localdate() + timedelta(days=1)
        with pytest.raises(ValidationError) as exc:
            services.officer_save(
                officer=Officer(
                    name="王建国",
                    phone="13815110001",
                    county=county,
                    category="frontline",
                    status="active",
                    appointed_on=tomorrow,
                ),
                actor=None,
            )
        assert exc.value.message_dict == {"appointed_on": ["在岗信息员的聘任日期不能晚于今天"]}
        assert Officer.objects.count() == 0
        candidate = services.officer_save(  # a candidate's planned appointment is fine
            officer=Officer(
                name="王建国",
                phone="13815110001",
                county=county,
                category="frontline",
                status="candidate",
                appointed_on=tomorrow,
            ),
            actor=None,
        )
        assert candidate.appointed_on == tomorrow

    def test_status_change_records_history_and_opens_login(self, county):
        admin = AdminFactory(county=county)
        officer = OfficerFactory(county=county, status="candidate")
        services.officer_change_status(officer=officer, to_status="active", actor=admin, reason="考察合格")
        officer.refresh_from_db()
        assert officer.status == "active" and officer.user.is_active
        latest = officer.status_changes.first()
        assert (latest.from_status, latest.to_status, latest.changed_by, latest.reason) == (
            "candidate",
            "active",
            admin,
            "考察合格",
        )
        services.officer_change_status(officer=officer, to_status="dismissed", actor=admin, reason="本人辞职")
        officer.refresh_from_db()
        assert officer.user.is_active is False
        assert OfficerStatusChange.objects.filter(officer=officer).count() == 3

    def test_refused_status_move(self, county):
        admin = AdminFactory(county=county)
        officer = OfficerFactory(county=county, status="dismissed")
        with pytest.raises(ValidationError) as exc:
            services.officer_change_status(officer=officer, to_status="active", actor=admin, reason="返聘")
        assert exc.value.message_dict == {"to_status": ["不能从“解聘”改为“在岗”"]}
        officer.refresh_from_db()
        assert officer.status == "dismissed"

    def test_status_change_needs_reason(self, county):
        officer = OfficerFactory(county=county, status="active")
        with pytest.raises(ValidationError) as exc:
            services.officer_change_status(officer=officer, to_status="suspended", actor=None, reason="  ")
        assert exc.value.message_dict == {"reason": ["请填写状态变更的原因"]}

    def test_township_of_another_county_is_refused(self, county, other_county):
        township = TownshipFactory(county=other_county, name="阜城街道")
        with pytest.raises(ValidationError) as exc:
            services.officer_save(
                officer=Officer(name="甲", phone="13815110001", county=county, township=township, category="frontline")
            )
        assert exc.value.message_dict["township"] == ["镇区街道不属于该县区"]
        assert Officer.objects.count() == 0 and User.objects.count() == 0

    def test_key_group_only_for_new_form_workers(self, county):
        with pytest.raises(ValidationError) as exc:
            services.officer_save(
                officer=Officer(
                    name="甲", phone="13815110001", county=county, category="frontline", key_group="courier"
                )
            )
        assert exc.value.message_dict["key_group"] == ["只有人员类别为“新就业形态劳动者”的信息员才能选择重点群体"]

    def test_duplicate_phone_is_refused(self, county):
        OfficerFactory(county=county, phone="13815110001")
        with pytest.raises(ValidationError) as exc:
            services.officer_save(officer=Officer(name="乙", phone="13815110001", county=county, category="frontline"))
        assert exc.value.message_dict["phone"] == ["该手机号已登记为其他信息员"]

    def test_staff_phone_is_refused(self, county):
        AdminFactory(county=county, username="13900000001")
        with pytest.raises(ValidationError) as exc:
            services.officer_save(officer=Officer(name="乙", phone="13900000001", county=county, category="frontline"))
        assert exc.value.message_dict == {"phone": ["该手机号已被工作人员账号使用"]}

    def test_phone_change_renames_login(self, county):
        officer = OfficerFactory(county=county, phone="13815110001")
        officer.phone = "13815110009"
        services.officer_save(officer=officer)
        officer.user.refresh_from_db()
        assert officer.user.username == "13815110009"

    def test_set_password_applies_validators(self, county):
        officer = OfficerFactory(county=county, password=None)
        with pytest.raises(ValidationError) as exc:
            services.officer_set_password(officer=officer, password="123", actor=None)
        assert "密码太短，至少需要 8 个字符。" in exc.value.messages
        services.officer_set_password(officer=officer, password="Kanbei#2026", actor=None)
        officer.user.refresh_from_db()
        assert officer.user.check_password("Kanbei#2026")


@pytest.mark.django_db
class TestEnterpriseResolve:
    def test_matches_by_credit_code_then_by_name(self, county):
        first = services.enterprise_resolve(
            county=county, name="滨海华强纺织有限公司", credit_code="91320922MA1MX0001D"
        )
        by_code = services.enterprise_resolve(county=county, name="华强纺织", credit_code="91320922MA1MX0001D")
        by_name = services.enterprise_resolve(county=county, name="滨海华强纺织有限公司")
        assert first.pk == by_code.pk == by_name.pk
        assert Enterprise.objects.count() == 1

    def test_bad_credit_code_is_refused(self, county):
        with pytest.raises(ValidationError) as exc:
            services.enterprise_resolve(county=county, name="某公司", credit_code="91320922MA1MX0001E")
        assert exc.value.message_dict == {"credit_code": ["统一社会信用代码校验位不正确，请核对"]}


@pytest.mark.django_db
class TestDatabaseConstraints:
    """Key rules hold even for writes that bypass the services."""

    def test_phone_format(self, county):
        officer = OfficerFactory(county=county)
        with pytest.raises(IntegrityError), transaction.atomic():
            Officer.objects.filter(pk=officer.pk).update(phone="12345")

    def test_key_group_needs_new_form_category(self, county):
        officer = OfficerFactory(county=county)
        with pytest.raises(IntegrityError), transaction.atomic():
            Officer.objects.filter(pk=officer.pk).update(key_group="courier")

    def test_credit_code_unique(self, county):
        Enterprise.objects.create(county=county, name="甲", credit_code="91320922MA1MX0001D")
        Enterprise.objects.create(county=county, name="乙")
        Enterprise.objects.create(county=county, name="丙")  # blank codes do not collide
        with pytest.raises(IntegrityError), transaction.atomic():
            Enterprise.objects.create(county=county, name="丁", credit_code="91320922MA1MX0001D")
