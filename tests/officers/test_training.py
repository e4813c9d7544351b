import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from officers import services
from officers.models import Attendance, SignInCode, SignInFailure, Suggestion
from tests.factories import AdminFactory, OfficerFactory, ReviewerFactory
from unionportal.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(county):
    return services.activity_create(
        county=county,
        actor=None,
        kind="central_training",
        held_on=timezone.localdate(),
        topic="劳动法律法规集中培训",
        place="县总工会会议室",
    )


class TestSignIn:
    def test_sign_in_once(self, county, activity):
        officer = OfficerFactory(county=county)
        code = services.sign_in_code_issue(activity=activity, actor=None)
        assert len(code.code) == 6 and code.code.isdigit()
        attendance = services.sign_in(officer=officer, code=code.code)
        assert (attendance.activity, attendance.via) == (activity, "sign_in")
        with pytest.raises(ValidationError) as exc:
            services.sign_in(officer=officer, code=code.code)
        assert exc.value.message_dict == {"code": ["您已签到，无需重复签到"]}
        assert Attendance.objects.count() == 1

    def test_expired_code_refused(self, county, activity):
        code = services.sign_in_code_issue(activity=activity, actor=None)
        with pytest.raises(ValidationError) as exc:
            services.sign_in(
                officer=OfficerFactory(county=county), code=code.code, now=timezone.now() + timedelta(minutes=16)
            )
        assert exc.value.message_dict == {"code": [services.SIGN_IN_INVALID]}

    def test_a_replaced_code_no_longer_works(self, county, activity):
        old = services.sign_in_code_issue(activity=activity, actor=None)
        new = services.sign_in_code_issue(activity=activity, actor=None)
        with pytest.raises(ValidationError) as exc:
            services.sign_in(officer=OfficerFactory(county=county), code=old.code)
        assert exc.value.message_dict == {"code": [services.SIGN_IN_INVALID]}
        assert services.sign_in(officer=OfficerFactory(county=county), code=new.code)

    @pytest.mark.parametrize("code", ["000000x", "", "123"])
    def test_wrong_code(self, county, activity, code):
        services.sign_in_code_issue(activity=activity, actor=None)
        with pytest.raises(ValidationError) as exc:
            services.sign_in(officer=OfficerFactory(county=county), code=code)
        assert exc.value.message_dict == {"code": [services.SIGN_IN_INVALID]}

    def test_another_countys_officer_cannot_use_the_code(self, other_county, activity):
        code = services.sign_in_code_issue(activity=activity, actor=None)
        with pytest.raises(ValidationError):
            services.sign_in(officer=OfficerFactory(county=other_county), code=code.code)

    def test_sign_in_page_on_phone(self, client, county, activity):
        officer = OfficerFactory(county=county)
        code = services.sign_in_code_issue(activity=activity, actor=None)
        client.force_login(officer.user)
        response = client.post(reverse("officers:sign_in"), {"code": code.code}, follow=True)
        assert "签到成功：劳动法律法规集中培训" in response.content.decode()
        response = client.post(reverse("officers:sign_in"), {"code": code.code})
        assert response.context["form"].errors["code"] == ["您已签到，无需重复签到"]
        client.force_login(ReviewerFactory(county=county))
        assert client.post(reverse("officers:sign_in"), {"code": code.code}).status_code == 403


class TestRecords:
    def test_staff_mark_attendance_once(self, county, activity, other_county):
        officers = [OfficerFactory(county=county) for _ in range(3)]
        assert services.attendance_mark(activity=activity, officers=officers, actor=None) == 3
        assert services.attendance_mark(activity=activity, officers=officers[:2], actor=None) == 0
        with pytest.raises(ValidationError):
            services.attendance_mark(
                activity=activity, officers=[OfficerFactory(county=other_county, name="外县")], actor=None
            )
        assert activity.attendances.count() == 3

    def test_guidance_suggestions_are_counted_by_line(self, county):
        officer = OfficerFactory(county=county)
        services.guidance_record(
            officer=officer,
            given_by=None,
            problem="不清楚哪些情况属于突发信息",
            suggestions="1. 涉及10人以上聚集的立即报\n\n2、欠薪超过一个月的当日报\n- 拿不准的先电话联系",
        )
        assert list(Suggestion.objects.values_list("text", flat=True)) == [
            "涉及10人以上聚集的立即报",
            "欠薪超过一个月的当日报",
            "拿不准的先电话联系",
        ]
        with pytest.raises(ValidationError) as exc:
            services.guidance_record(officer=officer, given_by=None, problem="x", suggestions=" \n ")
        assert exc.value.message_dict == {"suggestions": ["请至少填写一条建议（每行一条）"]}

    def test_shadowing_needs_a_host(self, county):
        with pytest.raises(ValidationError) as exc:
            services.activity_create(
                county=county, actor=None, kind="shadowing", held_on=date(2026, 5, 1), topic="跟班"
            )
        assert exc.value.message_dict == {"host": ["跟班学习请选择跟班单位"]}

    def test_officer_page_shows_the_record(self, client, county, activity):
        from reports.models import BudgetLine

        officer = OfficerFactory(county=county, name="刘洋")
        services.attendance_mark(activity=activity, officers=[officer], actor=None)
        services.guidance_record(officer=officer, given_by=None, problem="如何核实欠薪人数", suggestions="先问班组长")
        services.commendation_add(officer=officer, level="province", reason="优秀信息员", awarded_on=date(2026, 3, 1))
        BudgetLine.objects.create(
            county=county,
            kind="equipment",
            spent_on=date(2026, 2, 1),
            amount=899,
            description="执法记录仪",
            officer=officer,
        )
        reviewer = ReviewerFactory(county=county)
        client.force_login(reviewer)
        body = client.get(reverse("officers:detail", args=[officer.pk])).content.decode()
        for text in ("劳动法律法规集中培训", "如何核实欠薪人数", "先问班组长", "省总工会：优秀信息员", "执法记录仪"):
            assert text in body

    def test_activities_are_scoped(self, client, county, other_county, activity):
        client.force_login(ReviewerFactory(county=other_county))
        assert client.get(reverse("officers:activity", args=[activity.pk])).status_code == 404
        assert list(client.get(reverse("officers:activities")).context["activities"]) == []
        client.force_login(OfficerFactory(county=county).user)
        assert client.get(reverse("officers:activities")).status_code == 403


def test_codes_are_six_digits_and_unique_among_live_codes(county):
    activities = [
        services.activity_create(
            county=county, actor=None, kind="exchange", held_on=date(2026, 5, i + 1), topic=f"交流会{i}"
        )
        for i in range(20)
    ]
    codes = [services.sign_in_code_issue(activity=a, actor=None).code for a in activities]
    assert len(set(codes)) == 20
    assert SignInCode.objects.filter(expires_at__gt=timezone.now()).count() == 20


def test_suspended_officer_cannot_sign_in(county):
    activity = services.activity_create(
        county=county, actor=None, kind="exchange", held_on=timezone.localdate(), topic="交流会"
    )
    code = services.sign_in_code_issue(activity=activity, actor=None)
    with pytest.raises(ValidationError) as exc:
        services.sign_in(officer=OfficerFactory(county=county, status="suspended"), code=code.code)
    assert exc.value.message_dict == {"code": ["只有在岗信息员可以签到"]}


def test_the_attendance_choices_mask_phones_for_reviewers(client, county, activity):
    OfficerFactory(county=county, name="刘洋", phone="13815110004")
    client.force_login(ReviewerFactory(county=county))
    body = client.get(reverse("officers:activity", args=[activity.pk])).content.decode()
    assert "刘洋（138****0004）" in body and "13815110004" not in body


def test_an_activity_cannot_end_before_it_starts(county):
    with pytest.raises(ValidationError) as exc:
        services.activity_create(
            county=county,
            actor=None,
            kind="shadowing",
            host="arbitration",
            held_on=date(2026, 11, 10),
            ends_on=date(2026, 11, 9),
            topic="跟班学习",
        )
    assert exc.value.message_dict == {"ends_on": ["结束日期不能早于开始日期"]}


# ---- guessing the sign-in code: wrong codes counted per officer and per live code, in the database,
# audited, and every kind of bad code gets the same answer --------------------------------------------

INVALID = "签到码无效或已过期，请核对现场显示的6位数字"


def refusal(officer, code, **kwargs) -> str:
    with pytest.raises(ValidationError) as exc:
        services.sign_in(officer=officer, code=code, **kwargs)
    [message] = exc.value.message_dict["code"]
    return message


def wrong_codes(real: str, n: int, start: int = 0):
    return [c for c in (f"{i:06d}" for i in range(start, start + n + 1)) if c != real][:n]


class TestOneOfficer:
    def test_a_guessing_loop_is_stopped_after_five_and_the_real_code_is_refused_too(self, county, activity):
        real = services.sign_in_code_issue(activity=activity, actor=None).code
        officer = OfficerFactory(county=county)
        guesses = wrong_codes(real, 199) + [real]  # 200 guesses, the last one right
        answers = [refusal(officer, guess) for guess in guesses]
        assert answers[:5] == [INVALID] * 5
        assert set(answers[5:]) == {"输入错误次数过多，请 15 分钟后再试"}
        assert Attendance.objects.count() == 0
        assert SignInFailure.objects.filter(officer=officer).count() == 5
        failed = AuditEntry.objects.filter(action="sign_in_failed", actor=officer.user, county=county)
        assert failed.count() == 5

    def test_the_wait_runs_down_and_then_the_real_code_works(self, county, activity):
        now = timezone.now()
        real = services.sign_in_code_issue(activity=activity, actor=None, minutes=60).code
        officer = OfficerFactory(county=county)
        for minute, guess in enumerate(wrong_codes(real, 5)):
            assert refusal(officer, guess, now=now + timedelta(minutes=minute)) == INVALID
        # the first miss (at +0) leaves the 15-minute window at +15
        assert refusal(officer, real, now=now + timedelta(minutes=5)) == "输入错误次数过多，请 10 分钟后再试"
        assert (
            refusal(officer, real, now=now + timedelta(minutes=14, seconds=30)) == "输入错误次数过多，请 1 分钟后再试"
        )
        attendance = services.sign_in(officer=officer, code=real, now=now + timedelta(minutes=15, seconds=1))
        assert attendance.activity == activity

    def test_another_officer_is_not_held_up_by_one_who_guesses(self, county, activity):
        real = services.sign_in_code_issue(activity=activity, actor=None).code
        guesser = OfficerFactory(county=county)
        for guess in wrong_codes(real, 6):
            refusal(guesser, guess)
        assert services.sign_in(officer=OfficerFactory(county=county), code=real).activity == activity


def test_many_officers_guessing_retire_the_live_code(client, county, activity):
    """Fifty wrong codes in the county while a code is live, from any officers, and it stops working."""
    real = services.sign_in_code_issue(activity=activity, actor=None).code
    guessers = [OfficerFactory(county=county) for _ in range(40)]
    guesses = iter(wrong_codes(real, 200))
    answers = [refusal(officer, next(guesses)) for officer in guessers for _ in range(5)]  # 200 guesses
    assert set(answers) == {INVALID}
    code = SignInCode.objects.get(code=real)
    assert code.expires_at <= timezone.now() and code.failed_attempts >= 50
    # The real code, from an officer who never guessed, no longer works: same answer as any other
    assert refusal(OfficerFactory(county=county), real) == INVALID
    assert (
        AuditEntry.objects.filter(action="sign_in_failed", target__startswith="签到码错误尝试达 50 次已作废").count()
        == 1
    )
    # The organiser sees why and shows a new code, which works
    admin = AdminFactory(county=county)
    client.force_login(admin)
    body = client.get(reverse("officers:activity", args=[activity.pk])).content.decode()
    assert "签到码输错次数过多，已自动作废，请生成新的签到码" in body
    new = services.sign_in_code_issue(activity=activity, actor=admin)
    assert services.sign_in(officer=OfficerFactory(county=county), code=new.code).activity == activity


def test_misses_below_the_limit_leave_the_code_working(county, activity):
    real = services.sign_in_code_issue(activity=activity, actor=None).code
    guesses = iter(wrong_codes(real, 49))
    for officer in [OfficerFactory(county=county) for _ in range(10)]:
        for _ in range(5):
            if (guess := next(guesses, None)) is not None:
                refusal(officer, guess)
    assert SignInCode.objects.get(code=real).failed_attempts == 49
    assert services.sign_in(officer=OfficerFactory(county=county), code=real).activity == activity


def test_every_bad_code_gets_the_same_answer(county, other_county, activity):
    officer = OfficerFactory(county=county)
    replaced = services.sign_in_code_issue(activity=activity, actor=None).code
    services.sign_in_code_issue(activity=activity, actor=None)
    other = services.activity_create(
        county=other_county, actor=None, kind="exchange", held_on=timezone.localdate(), topic="外县交流会"
    )
    foreign = services.sign_in_code_issue(activity=other, actor=None).code
    later = services.activity_create(
        county=county, actor=None, kind="exchange", held_on=timezone.localdate(), topic="x"
    )
    expiring = services.sign_in_code_issue(activity=later, actor=None, minutes=1).code
    never_issued = next(c for c in wrong_codes("", 1000) if not SignInCode.objects.filter(code=c).exists())
    answers = {
        "replaced": refusal(officer, replaced),
        "another county's": refusal(officer, foreign),
        "expired": refusal(officer, expiring, now=timezone.now() + timedelta(minutes=2)),
        "never issued": refusal(officer, never_issued),
    }
    assert answers == dict.fromkeys(answers, INVALID)


def test_the_sign_in_page_audits_the_miss_with_the_address(client, county, activity):
    officer = OfficerFactory(county=county)
    services.sign_in_code_issue(activity=activity, actor=None)
    client.force_login(officer.user)
    response = client.post(reverse("officers:sign_in"), {"code": "000000"}, REMOTE_ADDR="198.51.100.9")
    assert response.context["form"].errors["code"] == [INVALID]
    entry = AuditEntry.objects.get(action="sign_in_failed")
    assert (entry.actor, entry.county_id, entry.ip_address) == (officer.user, county.pk, "198.51.100.9")


@pytest.mark.django_db(transaction=True)
def test_concurrent_guesses_by_one_officer_are_counted_one_after_another(county, activity):
    """Ten guesses at once from one account (ten web processes): five are checked, the rest wait."""
    real = services.sign_in_code_issue(activity=activity, actor=None).code
    officer = OfficerFactory(county=county)
    guesses = wrong_codes(real, 10)
    answers, start = [], threading.Barrier(len(guesses))

    def guess(code):
        try:
            start.wait()
            answers.append(refusal(officer, code))
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(code,)) for code in guesses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == sorted([INVALID] * 5 + ["输入错误次数过多，请 15 分钟后再试"] * 5)
    assert SignInFailure.objects.filter(officer=officer).count() == 5
