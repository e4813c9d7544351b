"""Demo reports for the demo county: a few weeks of graded and waiting items."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from officers.models import Enterprise, Officer, User

from .models import (
    RISK_CATEGORIES,
    Adoption,
    Budget,
    Commission,
    EntryKind,
    Event,
    ForwardedItem,
    Grade,
    Instruction,
    PointsTable,
    Publication,
    Report,
    Status,
    SupervisionItem,
)
from .services import (
    commission_answer_nothing,
    commission_create,
    event_entry_file,
    event_open,
    instruction_record,
    issue_create,
    issue_sign,
    issue_update,
    item_add,
    item_adopt,
    item_forward,
    item_forward_on,
    report_adopt,
    report_merge,
    report_record_imported,
    report_record_phone,
    risk_level_set,
    supervision_close,
    supervision_respond,
    supervision_sweep,
)

SAMPLES = [
    (
        "wage_arrears",
        "emergency",
        "某纺织企业拖欠工资苗头",
        "企业订单下滑，本月工资推迟发放，约百名员工未领到工资，已有职工在群内议论集体讨薪。",
    ),
    (
        "worker_sentiment",
        "general",
        "车间班组反映加班费计算有疑问",
        "部分职工反映加班费按基本工资计算，与劳动合同约定不一致，情绪稳定。",
    ),
    (
        "new_form_rights",
        "general",
        "快递网点派件费下调引发议论",
        "片区网点通知下月起派件费每件下调0.2元，快递员普遍不满。",
    ),
    ("mass_incident", "emergency", "外卖骑手反映站点罚款过重", "站点对超时订单罚款标准提高，部分骑手考虑集体停工。"),
    ("work_safety", "general", "企业安全培训落实情况", "本月企业组织安全生产培训两次，职工参与率高。"),
    (
        "labour_dispute",
        "general",
        "职工反映解除劳动合同未获经济补偿",
        "三名职工被解除劳动合同，企业未支付经济补偿，已申请调解。",
    ),
    ("online_opinion", "general", "短视频平台出现讨薪视频", "网上流传某工地农民工讨薪视频，点击量较高。"),
    ("new_form_rights", "general", "货车司机反映平台抽成提高", "货运平台信息费上调，司机收入下降，议论较多。"),
]
GRADES = ["qualified", "qualified", "county_adopted", "rejected", "above_adopted", "pending", "pending"]


@transaction.atomic
def seed_demo_reports(county) -> int:
    # The programme's yearly budget (the model county invested 285,000 yuan).
    Budget.objects.get_or_create(
        county=county,
        year=timezone.localdate().year,
        defaults={"amount": Decimal("285000"), "note": "补助、设备和培训"},
    )
    if Report.objects.filter(county=county).exists():
        return 0
    # Repeatable demo data, not security: a seeded generator is what we want.
    rng = random.Random(2026)  # nosec B311
    officers = list(Officer.objects.filter(county=county, status=Officer.Status.ACTIVE).order_by("pk")[:60])
    now = timezone.now()
    created = 0
    for i in range(48):
        category, urgency, title, content = SAMPLES[i % len(SAMPLES)]
        officer = officers[(i * 7) % len(officers)]
        submitted = now - timedelta(days=rng.randint(0, 50), hours=rng.randint(0, 8))
        delay = (
            timedelta(minutes=rng.randint(10, 90)) if urgency == "emergency" else timedelta(hours=rng.randint(1, 30))
        )
        grade = "pending" if submitted > now - timedelta(days=3) else GRADES[i % len(GRADES)]
        report = Report(
            officer=officer,
            county=county,
            title=title,
            content=content,
            category=category,
            urgency=urgency,
            occurred_at=submitted - delay,
            submitted_at=submitted,
            workers_involved=rng.choice([None, 5, 12, 30, 126]),
            grade=grade,
            adopted_by={"county_adopted": "滨海县总工会", "above_adopted": "盐城市总工会"}.get(grade, ""),
        )
        report_record_imported(report=report)
        created += 1
    return created


FORWARD_SAMPLES = [
    ("滨海县某纺织企业拖欠百名职工工资", "县总工会已会同人社部门约谈企业负责人，督促制定工资支付计划。"),
    ("滨海县快递网点派件费下调引发议论", "片区快递员对派件费下调普遍不满，县总工会已与网点负责人沟通。"),
    ("滨海县外卖骑手反映站点罚款过重", "部分骑手考虑集体停工，县总工会已介入协调，情况总体可控。"),
    ("滨海县货车司机反映平台信息费上调", "司机收入下降、议论较多，建议关注平台规则调整对货车司机权益的影响。"),
]


@transaction.atomic
def seed_demo_forwarding(county, *, reviewer, city_reviewer) -> int:
    """Items 滨海县 forwarded to 盐城市: two waiting there, one adopted by the city into its bulletin,
    one forwarded on to 江苏省 (waiting there). Nothing when the county has forwarded before."""
    if county.region_id is None or ForwardedItem.objects.filter(county=county).exists():
        return 0
    candidates = list(
        Report.objects.filter(county=county, status__in=[Status.SUBMITTED, Status.REVIEWED])
        .exclude(grade__in=[Grade.REJECTED, Grade.ABOVE_ADOPTED])
        .order_by("-submitted_at")[: len(FORWARD_SAMPLES)]
    )
    items = [
        item_forward(report=report, actor=reviewer, title=title, content=content, note="请市总工会关注")
        for report, (title, content) in zip(candidates, FORWARD_SAMPLES, strict=False)
    ]
    if len(items) >= 1:
        item_adopt(
            item=items[0],
            actor=city_reviewer,
            publication="盐城工运信息",
            issue=f"{timezone.localdate().year}年第7期",
            adopted_on=timezone.localdate(),
        )
    if len(items) >= 2:
        item_forward_on(
            item=items[1], actor=city_reviewer, title=items[1].title, content=items[1].content, note="建议省总关注"
        )
    return len(items)


DEMO_EVENT_TITLE = "八巨镇某服装厂职工聚集讨薪"
DEMO_PHONE_EVENT_TITLE = "某快递网点快递员停工"


@transaction.atomic
def seed_demo_events(county, *, now=None) -> int:
    """An open event with its 初报 (the demo officer's) and a 续报 by another officer, and a second
    officer's report of the same incident merged into it as a duplicate lead (已合并). Returns the
    events created (0 when already there)."""
    if Event.objects.filter(county=county, title=DEMO_EVENT_TITLE).exists():
        return 0
    officers = list(Officer.objects.filter(county=county, status=Officer.Status.ACTIVE).order_by("pk")[:3])
    staff = User.objects.filter(county=county, role=User.Role.REVIEWER, is_active=True).order_by("pk").first()
    if len(officers) < 3 or staff is None:
        return 0
    first, second, third = officers
    now = now or timezone.now()
    opened = now - timedelta(hours=26)
    township = county.townships.filter(name="八巨镇").first() or county.townships.order_by("sort_key").first()
    initial = report_record_imported(
        report=Report(
            officer=first,
            county=county,
            title=DEMO_EVENT_TITLE,
            content="上午8时许，某服装厂约40名职工在厂门口聚集，反映企业拖欠3个月工资，情绪较激动，暂无过激行为。",
            category="wage_arrears",
            urgency="emergency",
            occurred_at=opened - timedelta(minutes=35),
            submitted_at=opened,
            township=township,
            enterprise_name="某服装厂",
            workers_involved=40,
            demands="要求企业一次性结清拖欠的3个月工资",
        )
    )
    event = event_open(report=initial)
    event_entry_file(
        event=event,
        kind=EntryKind.FOLLOWUP,
        actor=second.user,
        data={
            "situation": "镇工会、人社所已到现场，企业负责人承诺本周五前先发放1个月工资，聚集职工已陆续散去。",
            "workers_involved": 25,
            "measures": "镇工会约谈企业负责人，人社所启动欠薪调查",
        },
        now=now - timedelta(hours=2),
    )
    duplicate = report_record_imported(
        report=Report(
            officer=third,
            county=county,
            title="服装厂工人门口聚集要工资",
            content="某服装厂几十名工人在厂门口聚集，说三个月没发工资了。",
            category="wage_arrears",
            urgency="general",
            occurred_at=opened - timedelta(minutes=20),
            submitted_at=opened + timedelta(minutes=40),
            township=township,
            enterprise_name="某服装厂",
            workers_involved=30,
        )
    )
    report_merge(report=duplicate, actor=staff, into_event=event, now=opened + timedelta(hours=2))
    # A second officer phoned a stoppage in; staff recorded the 初报 for them (电话报告), and it waits
    # for the officer to confirm it on the event's page.
    report_record_phone(
        actor=staff,
        officer=second,
        data={
            "title": DEMO_PHONE_EVENT_TITLE,
            "content": "来电称某快递网点约12名快递员停止派件，反映网点突然下调派件费，要求恢复原标准。",
            "category": "new_form_rights",
            "occurred_at": now - timedelta(hours=3, minutes=25),
            "township": township,
            "enterprise_name": "某快递网点",
            "workers_involved": 12,
            "demands": "要求恢复原派件费标准",
        },
        called_at=now - timedelta(hours=3),
        now=now,
    )
    return 1


@transaction.atomic
def seed_demo_bulletins(county) -> int:
    """A county bulletin and a city bulletin, signed with items, and a leader instruction on the
    city's item with its follow-up open (issue 15). Returns the issues signed now (0 when present)."""
    if Publication.objects.filter(county=county).exists() or county.region_id is None:
        return 0
    staff = User.objects.filter(county=county, is_active=True)
    reviewer = staff.filter(role=User.Role.REVIEWER).order_by("pk").first()
    admin = staff.filter(role=User.Role.ADMIN).order_by("pk").first() or reviewer
    city = county.region
    city_reviewer = User.objects.filter(region=city, is_active=True).order_by("pk").first()
    candidates = list(
        Report.objects.filter(county=county, status=Status.REVIEWED, grade=Grade.QUALIFIED).order_by("-submitted_at")[
            :3
        ]
    )
    if reviewer is None or city_reviewer is None or len(candidates) < 3:
        return 0
    own = Publication.objects.create(county=county, name="工作信息", keeps_total_number=True, total_number_start=118)
    issue = issue_create(publication=own, actor=reviewer)
    for report in candidates[:2]:
        item_add(issue=issue, actor=reviewer, report_id=report.pk)
    issue_update(
        issue=issue,
        actor=reviewer,
        editor_note="本期刊发信息员反映的职工关切，请各镇区工会跟踪掌握。",
        compiler="陈审核",
        signer="周主席",
        report_to="盐城市总工会",
        send_to="县委办公室、县政府办公室",
        issue_to="各镇区（街道）工会",
    )
    issue_sign(issue=issue, actor=reviewer)

    # The city took the third item (in the portal this is the city grading the item the county
    # forwarded) and published it in its own bulletin.
    forwarded = candidates[2]
    report_adopt(
        report=forwarded,
        actor=city_reviewer,
        body=f"{city.name}总工会",
        adopted_on=timezone.localdate(),
        source=Adoption.Source.UNIT,
        region=city,
    )
    city_publication = Publication.objects.get_or_create(region=city, name="盐城工会信息")[0]
    city_issue = issue_create(publication=city_publication, actor=city_reviewer)
    item = item_add(issue=city_issue, actor=city_reviewer, report_id=forwarded.pk)
    issue_update(
        issue=city_issue,
        actor=city_reviewer,
        compiler="市总工会办公室",
        signer="吴主席",
        report_to="江苏省总工会",
        issue_to="各县（市、区）总工会",
    )
    issue_sign(issue=city_issue, actor=city_reviewer)
    instruction_record(
        report=forwarded,
        bulletin_item=item,
        actor=city_reviewer,
        leader="市委副书记 王某某",
        rank=Instruction.Rank.CITY,
        text="请市总工会会同有关部门督促企业依法处理，及时报告结果。",
        given_on=timezone.localdate(),
        owner=admin,
        due_on=timezone.localdate() + timedelta(days=10),
        officer_sees_text=True,
    )
    return 2


@transaction.atomic
def seed_demo_commissions(county, *, actor=None) -> int:
    """A points table from this month, a commission of last month (some answered, one left overdue)
    and one open now with answers: 约稿 and 积分 have something to show. Once only."""
    today = timezone.localdate()
    PointsTable.objects.get_or_create(
        county=county, effective_from=today.replace(day=1), defaults={"created_by": actor}
    )
    if Commission.objects.filter(county=county).exists():
        return 0
    officers = list(Officer.objects.filter(county=county, status=Officer.Status.ACTIVE).order_by("pk")[:12])
    if len(officers) < 6:
        return 0
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=10)
    past = commission_create(
        county=county,
        actor=actor,
        topic="节前企业工资支付情况摸排",
        guidance="请了解所在单位及周边企业本月工资是否按时足额发放，有无拖欠苗头。",
        audience="named",
        officers=officers[:6],
        due_on=last_month + timedelta(days=10),
        today=last_month,
    )
    current = commission_create(
        county=county,
        actor=actor,
        topic="春节前建筑工地欠薪情况",
        guidance="重点了解在建工程项目农民工工资专用账户、实名制管理落实情况，发现欠薪苗头及时报送。",
        due_on=today + timedelta(days=7),
    )
    answers = [(past, officers[0], last_month), (past, officers[1], last_month), (current, officers[2], None)]
    for commission, officer, day in answers:
        submitted = (
            timezone.now() - timedelta(hours=3)
            if day is None
            else timezone.make_aware(datetime.combine(day + timedelta(days=2), time(10)))
        )
        report_record_imported(
            report=Report(
                officer=officer,
                county=county,
                title=f"{commission.topic}：本片区情况",
                content="走访了三家企业，工资均按月发放；一处工地分包单位有拖欠苗头，已向项目部反映。",
                category="wage_arrears",
                urgency="general",
                occurred_at=submitted - timedelta(hours=2),
                submitted_at=submitted,
                grade="qualified" if day else "pending",
                commission=commission,
            )
        )
    commission_answer_nothing(commission=past, officer=officers[3], note="本单位及周边近期未发现相关情况")
    commission_answer_nothing(commission=current, officer=officers[4], note="所在园区企业工资发放正常")
    return 2


def seed_demo_supervision(county) -> int:
    """Risk levels on reports and on the open demo event, one enterprise reported repeatedly, and
    supervision items of every colour (opened in the past, coloured by the sweep as the clock gives).
    Skipped when the county has items of its own (an instruction's follow-up item does not count)."""
    if SupervisionItem.objects.filter(county=county).exclude(kind=SupervisionItem.Kind.INSTRUCTION).exists():
        return 0
    User = get_user_model()
    staff = list(User.objects.filter(county=county, role__in=[User.Role.REVIEWER, User.Role.ADMIN]).order_by("role"))
    reports = list(Report.objects.filter(county=county, category__in=RISK_CATEGORIES).order_by("-submitted_at")[:8])
    if not staff or len(reports) < 6:
        return 0
    reviewer = next((u for u in staff if u.role == User.Role.REVIEWER), staff[0])
    # An enterprise named in three recent risk reports: 近三个月被重复报送 on its ledger page.
    enterprise = Enterprise.objects.filter(county=county).order_by("pk").first() or Enterprise.objects.create(
        county=county, name="滨海华强纺织有限公司", industry="纺织业"
    )
    Report.objects.filter(pk__in=[r.pk for r in reports[:3]]).update(enterprise=enterprise)
    now = timezone.now()
    # (level, hours ago): red set a week ago is red by now; orange 80 hours ago is past its 3 days by
    # 8 hours (yellow); yellow set 6 days ago has under a quarter of its 7 days left (blue); blue is new.
    plan = [("red", 24 * 7), ("orange", 80), ("yellow", 24 * 6 - 2), ("blue", 1)]
    for report, (level, hours) in zip(reports[:4], plan, strict=True):
        set_at = now - timedelta(hours=hours)
        risk_level_set(subject=report, level=level, reason="演示：按信息内容研判", actor=reviewer, now=set_at)
        if level == "yellow":  # answered in time: only its deadline colours it (blue)
            item = SupervisionItem.objects.get(report=report, state=SupervisionItem.State.OPEN)
            note = "演示：已电话联系信息员核实"
            supervision_respond(item=item, actor=reviewer, note=note, now=set_at + timedelta(hours=2))
    # The open demo event rated 红 an hour after its 初报 and answered at once: its day to handle it has
    # just run out, so the sweep colours it yellow (behind), on its way to red.
    event = Event.objects.filter(county=county, title=DEMO_EVENT_TITLE, state=Event.State.OPEN).first()
    if event is not None:
        set_at = max(event.opened_at + timedelta(hours=1), now - timedelta(hours=25))
        reason = "演示：约40名职工聚集讨薪，情绪较激动"
        risk_level_set(subject=event, level="red", reason=reason, actor=reviewer, now=set_at)
        item = SupervisionItem.objects.get(event=event, state=SupervisionItem.State.OPEN)
        note = "演示：已会同人社所赶赴现场"
        supervision_respond(item=item, actor=reviewer, note=note, now=set_at + timedelta(minutes=30))
    # a red item answered and closed late, for the monthly summary's "closed late"
    late = reports[4]
    risk_level_set(subject=late, level="orange", reason="演示：已处置", actor=reviewer, now=now - timedelta(days=6))
    item = SupervisionItem.objects.get(report=late, state=SupervisionItem.State.OPEN)
    supervision_close(item=item, actor=reviewer, note="演示：企业已补发工资，职工情绪稳定", now=now - timedelta(days=1))
    return supervision_sweep(now=now)
