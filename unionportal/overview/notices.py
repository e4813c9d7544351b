"""The monthly ranking notice (通报): build a draft (the job of the 2nd, or on demand), the admin's
foreword, publishing (number, files kept, every officer of the county told through the outbox).

The figures are ``reports.selectors.ranking_figures``: the same selector behind the dashboard's card
and ``reporting_notice``. A draft may be rebuilt; a published notice is frozen as published.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from officers.models import County, Officer, User
from reports import selectors
from unionportal.core import outbox
from unionportal.core.audit import audit_record
from unionportal.core.models import AuditEntry, Notification

from .models import RankingNotice
from .notice_export import notice_docx, notice_xlsx

NOTICE_KIND = "notice"


def notice_month_problem(*, month: date, today: date) -> str | None:
    if month >= today.replace(day=1):
        return f"{month.year}年{month.month}月尚未结束，月份结束后才能生成通报"
    return None


@transaction.atomic
def notice_build(*, county: County, month: date, today: date | None = None) -> RankingNotice:
    """Build (or rebuild) the month's draft from the records; a published notice is refused."""
    today = today or timezone.localdate()
    problem = notice_month_problem(month=month, today=today)
    if problem:
        raise ValidationError(problem, code="future")
    figures = selectors.ranking_figures(county_id=county.pk, month=month, today=today)
    notice, created = RankingNotice.objects.select_for_update().get_or_create(
        county=county, month=month, defaults={"figures": figures}
    )
    if not created:
        if notice.state == RankingNotice.State.PUBLISHED:
            raise ValidationError(f"{month.year}年{month.month}月通报已发布，不能重新生成", code="published")
        notice.figures = figures
        notice.built_at = timezone.now()
        notice.save(update_fields=["figures", "built_at"])
    return notice


def notify_draft_ready(*, notice: RankingNotice) -> int:
    """Tell the county's admins (once each) that the draft waits for their review."""
    notices = []
    for user in User.objects.filter(county_id=notice.county_id, role=User.Role.ADMIN, is_active=True).order_by("pk"):
        notices += outbox.person_notices(
            key=f"{NOTICE_KIND}-draft:{notice.pk}:{user.pk}",
            kind=NOTICE_KIND,
            user=user,
            title=f"{notice.month.year}年{notice.month.month}月信息报送通报草稿已生成",
            body="请在“月度通报”中审核，可添加按语后发布。",
            notification_kind=Notification.Kind.SUMMARY,
        )
    with transaction.atomic():
        return outbox.messages_write_new(notices) if notices else 0


@transaction.atomic
def notice_foreword(*, notice: RankingNotice, foreword: str) -> RankingNotice:
    notice = RankingNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.state != RankingNotice.State.DRAFT:
        raise ValidationError("通报已发布，按语不能再修改")
    notice.foreword = (foreword or "").strip()
    notice.full_clean()
    notice.save(update_fields=["foreword"])
    return notice


def next_number(*, county_id, year: int) -> str:
    published = RankingNotice.objects.filter(
        county_id=county_id, state=RankingNotice.State.PUBLISHED, published_at__year=year
    ).count()
    return f"{year}年第{published + 1}期"


@transaction.atomic
def notice_publish(*, notice: RankingNotice, actor, request=None, now=None) -> RankingNotice:
    """Publish the draft as reviewed: its number, the DOCX and xlsx kept, and every officer of the
    county with an account told in the bell (and by email when they have one), once."""
    now = now or timezone.now()
    notice = RankingNotice.objects.select_for_update().select_related("county").get(pk=notice.pk)
    if notice.state != RankingNotice.State.DRAFT:
        raise ValidationError("通报已发布过")
    # Numbered per county and year of publication (滨海县总工会 2026年第3期), under the row lock of
    # this notice; two notices of one county are published by its admins, one at a time.
    RankingNotice.objects.select_for_update().filter(county_id=notice.county_id).exists()
    notice.number = next_number(county_id=notice.county_id, year=timezone.localtime(now).year)
    notice.state = RankingNotice.State.PUBLISHED
    notice.published_at = now
    notice.published_by = actor
    name = f"{notice.county.name}{notice.month:%Y年%m月}信息报送通报"
    notice.docx_file.save(f"{name}.docx", ContentFile(notice_docx(notice)), save=False)
    notice.xlsx_file.save(f"{name}.xlsx", ContentFile(notice_xlsx(notice)), save=False)
    notice.full_clean()
    notice.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.PUBLISH_NOTICE,
        county=notice.county,
        target=f"{notice.number}：{notice.title}"[:200],
        request=request,
    )
    officers = (
        Officer.objects.filter(county_id=notice.county_id, status=Officer.Status.ACTIVE, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    notices = []
    for officer in officers:
        notices += outbox.person_notices(
            key=f"{NOTICE_KIND}:{notice.pk}:{officer.user_id}",
            kind=NOTICE_KIND,
            user=officer.user,
            title=f"{notice.county.name}总工会发布{notice.month.year}年{notice.month.month}月信息报送通报",
            body=f"{notice.number}：{notice.title}。请在首页“月度通报”中查看。",
            notification_kind=Notification.Kind.SUMMARY,
        )
    if notices:
        outbox.messages_write_new(notices)
    return notice
