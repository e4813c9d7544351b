import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from officers.models import Enterprise, Officer, OfficerStatusChange, VettingNote
from tests.factories import (
    PASSWORD,
    AdminFactory,
    EnterpriseFactory,
    OfficerFactory,
    ReviewerFactory,
    TownshipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(county):
    return OfficerFactory(county=county, name="王建国", phone="13815110001")


@pytest.fixture
def reviewer(county):
    return ReviewerFactory(county=county)


@pytest.fixture
def admin_user(county):
    return AdminFactory(county=county)


class TestLogin:
    def test_officer_logs_in_with_phone_and_sees_home(self, client, officer):
        response = client.post(reverse("login"), {"username": "13815110001", "password": PASSWORD}, follow=True)
        assert response.redirect_chain[-1] == (reverse("home"), 302)
        assert "overview/officer_home.html" in [t.name for t in response.templates]
        assert "您好，王建国" in response.content.decode()

    def test_wrong_password_message(self, client, officer):
        response = client.post(reverse("login"), {"username": "13815110001", "password": "wrong-one"})
        assert response.status_code == 200
        assert "手机号或密码不正确。请注意密码区分大小写。" in response.content.decode()

    def test_suspended_officer_cannot_log_in(self, client, county):
        OfficerFactory(county=county, phone="13815110002", status="suspended")
        response = client.post(reverse("login"), {"username": "13815110002", "password": PASSWORD})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert response.context["form"].non_field_errors() == ["该账号已停用，请联系县总工会管理员。"]
        # Without the right password, a stopped account looks like any wrong login.
        response = client.post(reverse("login"), {"username": "13815110002", "password": "wrong-one"})
        assert response.context["form"].non_field_errors() == ["手机号或密码不正确。请注意密码区分大小写。"]

    def test_a_failed_login_costs_the_same_hashing_whatever_the_account(self, client, county, settings):
        from unittest import mock

        from django.utils.module_loading import import_string

        OfficerFactory(county=county, phone="13815110002", status="suspended")
        OfficerFactory(county=county, phone="13815110003")
        hasher = import_string(settings.PASSWORD_HASHERS[0])
        hashed = {}
        for phone, password in [("13815110002", PASSWORD), ("13815110003", "wrong-one"), ("13899999999", "x")]:
            with mock.patch.object(hasher, "encode", autospec=True, side_effect=hasher.encode) as encode:
                client.post(reverse("login"), {"username": phone, "password": password})
            hashed[phone] = encode.call_count
        # stopped (right password), active (wrong password), unknown: the same work, nothing to time
        assert len(set(hashed.values())) == 1, hashed

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    def test_staff_home_shows_county_figures(self, client, reviewer, county):
        OfficerFactory.create_batch(3, county=county)
        OfficerFactory(county=county, status="candidate")
        client.force_login(reviewer)
        response = client.get(reverse("home"))
        assert response.context["overview"] == {"total": 4, "active": 3, "candidates": 1, "new_form": 0}
        assert response.context["pending_reviews"] == 0

    def test_password_change(self, client, officer):
        client.force_login(officer.user)
        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": "Kanbei#2027x", "new_password2": "Kanbei#2027x"},
        )
        assert response.status_code == 302
        officer.user.refresh_from_db()
        assert officer.user.check_password("Kanbei#2027x")

    def test_logout(self, client, officer):
        client.force_login(officer.user)
        client.post(reverse("logout"))
        assert "_auth_user_id" not in client.session


class TestScoping:
    """Every registry page, as each role and county: 200 for one's own county, 404 for another's."""

    @pytest.mark.parametrize("name", ["officers:detail", "officers:edit", "officers:status", "officers:password"])
    def test_admin_of_another_county_gets_404(self, client, officer, other_county, name):
        client.force_login(AdminFactory(county=other_county))
        assert client.get(reverse(name, args=[officer.pk])).status_code == 404

    def test_reviewer_of_another_county_gets_404(self, client, officer, other_county):
        client.force_login(ReviewerFactory(county=other_county))
        assert client.get(reverse("officers:detail", args=[officer.pk])).status_code == 404
        response = client.post(
            reverse("officers:note_create", args=[officer.pk]),
            {"kind": "talk", "happened_on": "2026-11-01", "content": "x"},
        )
        assert response.status_code == 404
        assert VettingNote.objects.count() == 0

    def test_reviewer_sees_own_county_only_in_list(self, client, reviewer, county, other_county):
        OfficerFactory(county=county, name="本县")
        OfficerFactory(county=other_county, name="外县")
        client.force_login(reviewer)
        response = client.get(reverse("officers:list"))
        assert [o.name for o in response.context["officers"]] == ["本县"]

    def test_reviewer_reads_but_cannot_manage(self, client, reviewer, officer):
        client.force_login(reviewer)
        assert client.get(reverse("officers:detail", args=[officer.pk])).status_code == 200
        for name in ("officers:edit", "officers:status", "officers:password"):
            response = client.get(reverse(name, args=[officer.pk]))
            assert response.status_code == 403
            assert "只有县总工会管理员可以进行此操作" in response.content.decode()
        assert client.get(reverse("officers:create")).status_code == 403

    @pytest.mark.parametrize("name", ["officers:list", "officers:create"])
    def test_officer_cannot_open_registry(self, client, officer, name):
        client.force_login(officer.user)
        assert client.get(reverse(name)).status_code == 403

    def test_officer_cannot_open_even_own_registry_page(self, client, officer):
        client.force_login(officer.user)
        assert client.get(reverse("officers:detail", args=[officer.pk])).status_code == 403

    def test_superuser_without_county_sees_all(self, client, county, other_county):
        OfficerFactory(county=county)
        OfficerFactory(county=other_county)
        client.force_login(UserFactory(county=None, is_superuser=True, is_staff=True, role="admin"))
        assert client.get(reverse("officers:list")).context["counts"]["total"] == 2

    def test_staff_without_county_sees_nothing(self, client, county):
        OfficerFactory(county=county)
        client.force_login(ReviewerFactory(county=None))
        assert client.get(reverse("officers:list")).context["counts"]["total"] == 0

    def test_admin_site_is_scoped(self, client, officer, other_county):
        OfficerFactory(county=other_county, name="外县信息员")
        client.force_login(AdminFactory(county=officer.county))
        response = client.get("/admin/officers/officer/")
        assert [o.name for o in response.context["cl"].result_list] == ["王建国"]
        foreign = Officer.objects.get(name="外县信息员")
        assert (
            client.get(f"/admin/officers/officer/{foreign.pk}/change/").status_code == 302
        )  # "doesn't exist" redirect
        assert client.get("/admin/officers/user/").status_code == 403  # accounts are the superuser's


class TestListPage:
    def test_search_and_filters(self, client, admin_user, county):
        township = TownshipFactory(county=county, name="东坎街道")
        employer = EnterpriseFactory(county=county, name="滨海华强纺织有限公司")
        OfficerFactory(county=county, name="王建国", township=township, employer=employer, phone="13815110001")
        OfficerFactory(county=county, name="刘洋", category="new_form", key_group="courier", phone="13815110004")
        OfficerFactory(county=county, name="陈志强", status="candidate", phone="13815110003")
        client.force_login(admin_user)

        def names(**params):
            return sorted(o.name for o in client.get(reverse("officers:list"), params).context["officers"])

        assert names(q="华强") == ["王建国"]
        assert names(q="0004") == ["刘洋"]
        assert names(q="陈") == ["陈志强"]
        assert names(township=township.pk) == ["王建国"]
        assert names(category="new_form") == ["刘洋"]
        assert names(key_group="courier") == ["刘洋"]
        assert names(status="candidate") == ["陈志强"]

    def test_counts_by_category_and_key_group(self, client, reviewer, county):
        OfficerFactory.create_batch(2, county=county, category="mediator")
        OfficerFactory(county=county, category="new_form", key_group="courier")
        client.force_login(reviewer)
        counts = client.get(reverse("officers:list")).context["counts"]
        assert counts["total"] == 3
        assert ("mediator", "劳动争议调解员", 2) in counts["by_category"]
        assert ("courier", "快递员", 1) in counts["by_key_group"]
        assert ("streamer", "网络主播", 0) in counts["by_key_group"]

    def test_phones_masked_for_reviewers_but_not_admins(self, client, reviewer, admin_user, officer):
        client.force_login(reviewer)
        body = client.get(reverse("officers:list")).content.decode()
        assert "138****0001" in body and "13815110001" not in body
        client.force_login(admin_user)
        assert "13815110001" in client.get(reverse("officers:list")).content.decode()

    def test_fixed_query_count_whatever_the_size(self, client, reviewer, county):
        township = TownshipFactory(county=county)
        employer = EnterpriseFactory(county=county)
        client.force_login(reviewer)

        def queries():
            client.get(reverse("officers:list"))  # the steady state: the bell's count kept
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse("officers:list")).status_code == 200
            return len(ctx)

        OfficerFactory.create_batch(3, county=county, township=township, employer=employer, password=None)
        small = queries()
        OfficerFactory.create_batch(30, county=county, township=TownshipFactory(county=county), password=None)
        assert queries() == small

    def test_detail_query_count_does_not_grow_with_history(self, client, admin_user, officer):
        client.force_login(admin_user)
        url = reverse("officers:detail", args=[officer.pk])

        def queries():
            client.get(url)  # the steady state: the bell's count kept
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            return len(ctx)

        small = queries()
        for i in range(5):
            VettingNote.objects.create(officer=officer, author=admin_user, content=f"谈话{i}")
            OfficerStatusChange.objects.create(officer=officer, to_status="active", changed_by=admin_user)
        assert queries() == small


class TestForms:
    def _data(self, county, **overrides):
        data = {
            "name": "李秀英",
            "phone": "13815110002",
            "gender": "F",
            "county": county.pk,
            "category": "mediator",
            "status": "active",
            "appointed_on": "2024-03-01",
        }
        return data | overrides

    def test_admin_registers_officer_with_new_employer(self, client, admin_user, county):
        client.force_login(admin_user)
        data = self._data(
            county, new_employer_name="滨海华强纺织有限公司", new_employer_credit_code="91320922ma1mx0001d"
        )
        response = client.post(reverse("officers:create"), data)
        officer = Officer.objects.get(phone="13815110002")
        assert response.status_code == 302 and response["Location"] == reverse("officers:detail", args=[officer.pk])
        assert (officer.employer.name, officer.employer.credit_code) == ("滨海华强纺织有限公司", "91320922MA1MX0001D")
        assert officer.status_changes.get().changed_by == admin_user
        assert officer.user.username == "13815110002"

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"phone": "1381511000"}, "phone", "手机号格式不正确：应为以1开头的11位大陆手机号（第二位3–9）"),
            ({"phone": "13815110001"}, "phone", "该手机号已登记为其他信息员"),
            (
                {"new_employer_name": "某公司", "new_employer_credit_code": "91320922MA1MX0001E"},
                "new_employer_credit_code",
                "统一社会信用代码校验位不正确，请核对",
            ),
            ({"key_group": "courier"}, "key_group", "只有人员类别为“新就业形态劳动者”的信息员才能选择重点群体"),
            ({"name": ""}, "name", "这个字段是必填项。"),
            ({"status": "dismissed"}, "status", "选择一个有效的选项。 dismissed 不在可用的选项中。"),
        ],
    )
    def test_bad_input_is_explained_and_nothing_written(
        self, client, admin_user, county, officer, overrides, field, message
    ):
        client.force_login(admin_user)
        response = client.post(reverse("officers:create"), self._data(county, **overrides))
        assert response.status_code == 200
        assert message in response.context["form"].errors[field]
        assert Officer.objects.count() == 1
        assert Enterprise.objects.count() == 0

    def test_cannot_register_into_another_county(self, client, admin_user, county, other_county):
        client.force_login(admin_user)
        response = client.post(reverse("officers:create"), self._data(other_county))
        assert response.status_code == 200
        assert "county" in response.context["form"].errors
        assert Officer.objects.count() == 0

    def test_edit_keeps_status_out_of_the_form(self, client, admin_user, officer, county):
        client.force_login(admin_user)
        data = self._data(county, phone=officer.phone, name="王建军", status="dismissed")
        response = client.post(reverse("officers:edit", args=[officer.pk]), data)
        assert response.status_code == 302
        officer.refresh_from_db()
        assert (officer.name, officer.status, officer.user.full_name) == ("王建军", "active", "王建军")

    def test_status_change_page(self, client, admin_user, officer):
        client.force_login(admin_user)
        url = reverse("officers:status", args=[officer.pk])
        response = client.post(url, {"to_status": "candidate", "reason": "误操作"})
        assert response.context["form"].errors["to_status"] == ["不能从“在岗”改为“候选”"]
        response = client.post(url, {"to_status": "suspended", "reason": "长期未报送"}, follow=True)
        assert "状态已变更" in response.content.decode()
        officer.refresh_from_db()
        assert officer.status == "suspended"
        assert officer.status_changes.first().reason == "长期未报送"

    def test_admin_sets_password(self, client, admin_user, county):
        target = OfficerFactory(county=county, password=None)
        client.force_login(admin_user)
        url = reverse("officers:password", args=[target.pk])
        response = client.post(url, {"password1": "12345678", "password2": "12345678"})
        assert "这个密码太常见了。" in response.context["form"].errors["password1"]
        response = client.post(url, {"password1": "Wuxun#2026", "password2": "Wuxun#2027"})
        assert response.context["form"].errors["password2"] == ["两次输入的密码不一致"]
        client.post(url, {"password1": "Wuxun#2026", "password2": "Wuxun#2026"})
        target.user.refresh_from_db()
        assert target.user.check_password("Wuxun#2026")

    def test_reviewer_records_vetting_note(self, client, reviewer, county):
        candidate = OfficerFactory(county=county, status="candidate")
        client.force_login(reviewer)
        response = client.post(
            reverse("officers:note_create", args=[candidate.pk]),
            {"kind": "visit", "happened_on": "2026-11-20", "content": "走访所在快递网点，站长推荐"},
        )
        assert response.status_code == 302
        note = VettingNote.objects.get()
        assert (note.author, note.kind, note.content) == (reviewer, "visit", "走访所在快递网点，站长推荐")
        assert "走访所在快递网点" in client.get(reverse("officers:detail", args=[candidate.pk])).content.decode()


class TestReferenceListsForOfficers:
    def test_officer_picks_only_from_own_county(self, county, other_county):
        from officers.models import Enterprise, Township

        officer = OfficerFactory(county=county)
        TownshipFactory(county=county, name="东坎街道")
        TownshipFactory(county=other_county, name="阜城街道")
        EnterpriseFactory(county=county, name="本县企业")
        EnterpriseFactory(county=other_county, name="外县企业")
        assert list(Township.objects.visible_to(officer.user).values_list("name", flat=True)) == ["东坎街道"]
        assert list(Enterprise.objects.visible_to(officer.user).values_list("name", flat=True)) == ["本县企业"]
        # ... but still no officer records, not even of their county
        assert list(Officer.objects.visible_to(officer.user)) == [officer]


def test_reviewer_cannot_unmask_phones_by_partial_search(client, county):
    OfficerFactory(county=county, name="王建国", phone="13815110001")
    client.force_login(ReviewerFactory(county=county))
    names = lambda q: [o.name for o in client.get(reverse("officers:list"), {"q": q}).context["officers"]]  # noqa: E731
    assert names("1381511") == []
    assert names("0001") == []
    assert names("13815110001") == ["王建国"]  # a full number the reviewer already has
    client.force_login(AdminFactory(county=county))
    assert names("0001") == ["王建国"]


def test_form_refuses_another_countys_credit_code(client, county, other_county):
    EnterpriseFactory(county=other_county, name="阜宁某厂", credit_code="91320922MA1MX0001D")
    client.force_login(AdminFactory(county=county))
    response = client.post(
        reverse("officers:create"),
        {
            "name": "甲",
            "phone": "13815110009",
            "county": county.pk,
            "category": "frontline",
            "status": "active",
            "new_employer_name": "某厂",
            "new_employer_credit_code": "91320922MA1MX0001D",
        },
    )
    assert response.context["form"].errors["new_employer_credit_code"] == [
        "统一社会信用代码 91320922MA1MX0001D 已登记为阜宁县的企业“阜宁某厂”"
    ]
    assert Officer.objects.count() == 0 and Enterprise.objects.count() == 1


def test_login_next_pointing_at_login_goes_home(client, county):
    officer = OfficerFactory(county=county)
    client.force_login(officer.user)
    response = client.get("/accounts/login/?next=/accounts/login/")
    assert response.status_code == 302 and response["Location"] == "/"
    client.logout()
    response = client.post("/accounts/login/?next=/accounts/login/", {"username": officer.phone, "password": PASSWORD})
    assert response["Location"] == "/"
