"""Bulletins (信息专报): publications of a county or a region, issues numbered at signing under a lock,
items that count as the unit's adoption, the DOCX, the ``bulletin`` command, and who sees what."""

import io
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.urls import reverse
from docx import Document

from officers.models import Region
from reports import services
from reports.models import Adoption, BulletinIssue, Grade, Publication, Report
from reports.services import bulletins as bulletin_services
from tests.factories import (
    AdminFactory,
    CountyFactory,
    OfficerFactory,
    RegionFactory,
    ReportFactory,
    ReviewerFactory,
)
from unionportal.core.models import AuditEntry, Notification

BJ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=BJ)


@pytest.fixture
def tree(db):
    """江苏省 › 盐城市 › 滨海县, and 南京市 › 江宁区 beside it; a reviewer of each unit."""
    province = RegionFactory(code="320000", name="江苏省", level=Region.Level.PROVINCE)
    city = RegionFactory(code="320900", name="盐城市", parent=province)
    nanjing = RegionFactory(code="320100", name="南京市", parent=province)
    binhai = CountyFactory(code="320922", name="滨海县", region=city)
    jiangning = CountyFactory(code="320115", name="江宁区", region=nanjing)
    return {
        "province": province,
        "city": city,
        "nanjing": nanjing,
        "binhai": binhai,
        "jiangning": jiangning,
        "county_reviewer": ReviewerFactory(county=binhai, full_name="县审核"),
        "county_admin": AdminFactory(county=binhai, full_name="县管理"),
        "city_reviewer": ReviewerFactory(county=None, region=city, full_name="市审核"),
        "city_admin": AdminFactory(county=None, region=city, full_name="市管理"),
        "province_reviewer": ReviewerFactory(county=None, region=province, full_name="省审核"),
        "nanjing_reviewer": ReviewerFactory(county=None, region=nanjing, full_name="南京审核"),
        "jiangning_reviewer": ReviewerFactory(county=jiangning, full_name="江宁审核"),
    }


@pytest.fixture
def officer(tree):
    return OfficerFactory(county=tree["binhai"], name="刘洋", phone="13815110004")


@pytest.fixture
def item_report(officer):
    """A report the county graded 合格 (a candidate for the county's bulletin)."""
    return ReportFactory(
        officer=officer,
        title="快递网点派件费下调引发议论",
        content="坎北片区网点通知下月起派件费每件下调0.2元，快递员普遍不满。\n已有快递员在群内议论。",
        status="reviewed",
        grade="qualified",
        submitted_at=at(2026, 11, 20, 19, 45),
        occurred_at=at(2026, 11, 20, 8, 0),
    )


def county_publication(tree, **kwargs):
    return services.publication_create(actor=tree["county_admin"], name="工作信息", **kwargs)


def city_publication(tree):
    return services.publication_create(actor=tree["city_admin"], name="盐城工会信息")


def draft_with(tree, publication, editor, reports, **header):
    issue = services.issue_create(publication=publication, actor=editor, year=2026)
    for report in reports:
        services.item_add(issue=issue, actor=editor, report_id=report.pk)
    values = {"signer": "张主席", "compiler": "李编辑", "editor_note": "请各地关注。", "report_to": "市总工会"}
    services.issue_update(issue=issue, actor=editor, **(values | header))
    return BulletinIssue.objects.get(pk=issue.pk)


@pytest.fixture
def forwarded(monkeypatch):
    """A stand-in for forwarding (issue 15, merged separately): the reports named here are the items
    forwarded to the city, as the forwarding source will register them."""
    reports = []
    monkeypatch.setattr(
        bulletin_services,
        "REGION_SOURCES",
        [lambda publication: Report.objects.filter(pk__in=[r.pk for r in reports]).values("pk")],
    )
    return reports


pytestmark = pytest.mark.django_db


class TestPublications:
    def test_a_publication_belongs_to_exactly_one_unit(self, tree):
        with pytest.raises(IntegrityError):
            Publication.objects.create(name="两头", county=tree["binhai"], region=tree["city"])

    def test_only_an_admin_of_a_unit_creates_one(self, tree):
        assert county_publication(tree).county == tree["binhai"]
        assert city_publication(tree).region == tree["city"]
        with pytest.raises(ValidationError) as exc:
            services.publication_create(actor=tree["county_reviewer"], name="x")
        assert exc.value.messages == ["只有本单位的系统管理员可以新建刊物"]
        with pytest.raises(ValidationError):
            county_publication(tree)  # the same name twice in one unit


class TestSigning:
    def test_a_county_issue_is_numbered_at_signing_and_adopts_its_items(self, tree, item_report, officer):
        publication = county_publication(tree)
        issue = draft_with(tree, publication, tree["county_reviewer"], [item_report])
        item = issue.items.get()
        assert (item.heading, item.source) == ("快递网点派件费下调引发议论", "滨海县总工会")
        assert issue.number is None and issue.number_label == "2026年（草稿，签发时编号）"
        signed = services.issue_sign(issue=issue, actor=tree["county_reviewer"])
        assert (signed.state, signed.number, signed.number_label) == ("signed", 1, "2026年第1期")
        report = Report.objects.get(pk=item_report.pk)
        assert (report.grade, report.adopted_by, report.adoption_doc_no) == (
            Grade.COUNTY_ADOPTED,
            "滨海县总工会",
            "《工作信息》2026年第1期",
        )
        adoption = Adoption.objects.get(report=report)
        assert (adoption.source, adoption.publication, adoption.issue, adoption.region) == (
            "bulletin",
            "工作信息",
            "2026年第1期",
            None,
        )
        assert Notification.objects.filter(recipient=officer.user, title__contains="被滨海县总工会采用").exists()
        second = draft_with(tree, publication, tree["county_reviewer"], [item_report])
        assert services.issue_sign(issue=second, actor=tree["county_reviewer"]).number == 2

    def test_a_city_issue_sets_above_county_adoption(self, tree, item_report, forwarded):
        forwarded.append(item_report)
        issue = draft_with(tree, city_publication(tree), tree["city_reviewer"], [item_report])
        services.issue_sign(issue=issue, actor=tree["city_reviewer"])
        report = Report.objects.get(pk=item_report.pk)
        assert (report.grade, report.adopted_by, report.adoption_doc_no) == (
            Grade.ABOVE_ADOPTED,
            "盐城市总工会",
            "《盐城工会信息》2026年第1期",
        )
        assert Adoption.objects.get(report=report).region == tree["city"]

    def test_a_running_total_number_continues_from_the_units_count(self, tree, item_report):
        publication = county_publication(tree, keeps_total_number=True, total_number_start=124)
        issue = draft_with(tree, publication, tree["county_reviewer"], [item_report])
        signed = services.issue_sign(issue=issue, actor=tree["county_reviewer"])
        assert signed.number_label == "2026年第1期（总第125期）"

    def test_a_signed_issue_is_not_edited_and_a_bad_draft_is_not_signed(self, tree, item_report):
        publication = county_publication(tree)
        empty = services.issue_create(publication=publication, actor=tree["county_reviewer"], year=2026)
        services.issue_update(issue=empty, actor=tree["county_reviewer"], signer="张主席")
        with pytest.raises(ValidationError) as exc:
            services.issue_sign(issue=empty, actor=tree["county_reviewer"])
        assert exc.value.messages == ["本期还没有信息条目，不能签发"]
        unsigned = draft_with(tree, publication, tree["county_reviewer"], [item_report], signer="")
        with pytest.raises(ValidationError) as exc:
            services.issue_sign(issue=unsigned, actor=tree["county_reviewer"])
        assert exc.value.message_dict == {"signer": ["请填写签发人"]}
        services.issue_update(issue=unsigned, actor=tree["county_reviewer"], signer="张主席")
        signed = services.issue_sign(issue=unsigned, actor=tree["county_reviewer"])
        for attempt in (
            lambda: services.issue_update(issue=signed, actor=tree["county_reviewer"], signer="别人"),
            lambda: services.item_remove(item=signed.items.get(), actor=tree["county_reviewer"]),
            lambda: services.issue_sign(issue=signed, actor=tree["county_reviewer"]),
        ):
            with pytest.raises(ValidationError) as exc:
                attempt()
            assert exc.value.messages == ["该期已签发，不能再修改；如需更正，请另编一期。"]

    def test_a_unit_puts_in_only_its_own_items(self, tree, item_report):
        city_issue = services.issue_create(publication=city_publication(tree), actor=tree["city_reviewer"])
        with pytest.raises(ValidationError) as exc:
            services.item_add(issue=city_issue, actor=tree["city_reviewer"], report_id=item_report.pk)
        assert "不在本单位可编入刊物的信息中" in exc.value.messages[0]
        county_issue = services.issue_create(publication=county_publication(tree), actor=tree["county_reviewer"])
        with pytest.raises(ValidationError) as exc:
            services.item_add(issue=county_issue, actor=tree["city_reviewer"], report_id=item_report.pk)
        assert exc.value.messages == ["只有滨海县的工作人员可以编辑《工作信息》（滨海县）"]


@pytest.mark.django_db(transaction=True)
def test_two_issues_signed_at_once_never_share_a_number(tree, item_report):
    """Two reviewers sign two drafts of the same publication at the same moment, each on its own
    PostgreSQL connection: the publication's row lock gives them 1 and 2."""
    publication = county_publication(tree)
    drafts = [draft_with(tree, publication, tree["county_reviewer"], [item_report]) for _ in range(2)]
    start = threading.Barrier(2)
    numbers, errors = [], []

    def sign(issue):
        try:
            start.wait()
            numbers.append(services.issue_sign(issue=issue, actor=tree["county_reviewer"]).number)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(issue,)) for issue in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [1, 2]
    assert sorted(BulletinIssue.objects.values_list("number", flat=True)) == [1, 2]


class TestDocx:
    def signed(self, tree, item_report):
        issue = draft_with(
            tree,
            county_publication(tree),
            tree["county_reviewer"],
            [item_report],
            send_to="县委办、县政府办",
            issue_to="各镇区工会",
        )
        return services.issue_sign(issue=issue, actor=tree["county_reviewer"])

    def test_the_command_writes_the_masthead_number_and_items_never_the_officer(self, tree, item_report, tmp_path):
        self.signed(tree, item_report)
        out = io.StringIO()
        path = tmp_path / "bulletin.docx"
        call_command(
            "bulletin", "--unit", "320922", "--year", "2026", "--number", "1", "--output", str(path), stdout=out
        )
        assert out.getvalue().strip() == f"已写入 {path}（《工作信息》2026年第1期，1 条信息）"
        doc = Document(str(path))
        texts = [p.text for p in doc.paragraphs]
        masthead = doc.paragraphs[0]
        assert masthead.text == "工作信息"
        assert masthead.runs[0].font.color.rgb == (0xC0, 0x00, 0x00) and masthead.runs[0].font.bold
        assert "2026年第1期" in texts
        assert "滨海县总工会编\t签发人：张主席" in texts
        assert "快递网点派件费下调引发议论" in texts
        assert "坎北片区网点通知下月起派件费每件下调0.2元，快递员普遍不满。" in texts
        assert "（滨海县总工会）" in texts
        assert "【编者按】请各地关注。" in texts
        assert ["报：市总工会", "送：县委办、县政府办", "发：各镇区工会"] == [
            t for t in texts if t[:2] in ("报：", "送：", "发：")
        ]
        whole = "\n".join(texts)
        assert "刘洋" not in whole and "13815110004" not in whole
        assert AuditEntry.objects.filter(action="export", target__contains="《工作信息》2026年第1期").exists()

    def test_the_command_refuses_what_is_not_there(self, tree, item_report, tmp_path):
        publication = county_publication(tree)
        draft_with(tree, publication, tree["county_reviewer"], [item_report])
        services.publication_create(actor=tree["county_admin"], name="信息专报")
        path = str(tmp_path / "b.docx")
        cases = [
            (["--unit", "320922", "--publication", "工作信息"], "《工作信息》2026年第1期不存在（期号在签发时编定）"),
            (["--unit", "320922"], "滨海县有多种刊物（《信息专报》、《工作信息》），请用 --publication 指定"),
            (["--unit", "999999"], "单位代码 999999 不存在"),
            (["--unit", "320900"], "盐城市没有刊物"),
        ]
        for args, message in cases:
            with pytest.raises(CommandError) as exc:
                call_command("bulletin", *args, "--year", "2026", "--number", "1", "--output", path)
            assert str(exc.value) == message

    def test_a_draft_has_no_download(self, client, tree, item_report):
        issue = draft_with(tree, county_publication(tree), tree["county_reviewer"], [item_report])
        client.force_login(tree["county_reviewer"])
        response = client.get(reverse("reports:issue_docx", args=[issue.pk]))
        assert response.status_code == 302 and not AuditEntry.objects.filter(action="export").exists()

    def test_the_page_download_is_audited(self, client, tree, item_report):
        issue = self.signed(tree, item_report)
        client.force_login(tree["county_reviewer"])
        response = client.get(reverse("reports:issue_docx", args=[issue.pk]))
        assert response.status_code == 200
        doc = Document(io.BytesIO(response.content))
        assert doc.paragraphs[0].text == "工作信息" and "2026年第1期" in [p.text for p in doc.paragraphs]
        assert AuditEntry.objects.filter(action="export", actor=tree["county_reviewer"]).count() == 1


class TestWhoSeesWhat:
    """Every role at every level, through HTTP."""

    def test_a_county_issue_is_the_countys_own(self, client, tree, item_report):
        issue = draft_with(tree, county_publication(tree), tree["county_reviewer"], [item_report])
        services.issue_sign(issue=issue, actor=tree["county_reviewer"])
        url = reverse("reports:issue", args=[issue.pk])
        for role in ("county_reviewer", "county_admin"):
            client.force_login(tree[role])
            assert client.get(url).status_code == 200
        for role in ("city_reviewer", "province_reviewer", "nanjing_reviewer", "jiangning_reviewer"):
            client.force_login(tree[role])
            assert client.get(url).status_code == 404, role
        client.force_login(item_report.officer.user)
        assert client.get(url).status_code == 403
        assert client.get(reverse("reports:publications")).status_code == 403

    def test_a_city_issue_reaches_the_units_below_once_signed(self, client, tree, item_report, forwarded):
        forwarded.append(item_report)
        issue = draft_with(tree, city_publication(tree), tree["city_reviewer"], [item_report])
        url = reverse("reports:issue", args=[issue.pk])
        # A draft: the city's staff (and the province above it), nobody below or beside.
        for role, status in (
            ("city_reviewer", 200),
            ("province_reviewer", 200),
            ("county_reviewer", 404),
            ("nanjing_reviewer", 404),
            ("jiangning_reviewer", 404),
        ):
            client.force_login(tree[role])
            assert client.get(url).status_code == status, role
        services.issue_sign(issue=issue, actor=tree["city_reviewer"])
        for role, status in (
            ("city_reviewer", 200),
            ("province_reviewer", 200),
            ("county_reviewer", 200),
            ("county_admin", 200),
            ("nanjing_reviewer", 404),
            ("jiangning_reviewer", 404),
        ):
            client.force_login(tree[role])
            assert client.get(url).status_code == status, role
        client.force_login(tree["county_reviewer"])
        page = client.get(url).content.decode()
        assert "盐城工会信息" in page and "刘洋" not in page and "13815110004" not in page
        assert "盐城工会信息" in client.get(reverse("reports:publications")).content.decode()
        client.force_login(tree["nanjing_reviewer"])
        assert "盐城工会信息" not in client.get(reverse("reports:publications")).content.decode()

    def test_a_city_reviewer_edits_and_signs_through_the_pages(self, client, tree, item_report, forwarded):
        forwarded.append(item_report)
        publication = city_publication(tree)
        client.force_login(tree["city_reviewer"])
        response = client.post(reverse("reports:publication", args=[publication.pk]))
        issue = BulletinIssue.objects.get()
        assert response["Location"] == reverse("reports:issue", args=[issue.pk])
        page = client.get(response["Location"]).content.decode()
        assert "快递网点派件费下调引发议论" in page and "刘洋" not in page  # a candidate, without its officer
        client.post(reverse("reports:item_add", args=[issue.pk]), {"report_id": item_report.pk})
        item = issue.items.get()
        client.post(
            reverse("reports:item_update", args=[item.pk]),
            {
                f"item{item.pk}-position": 1,
                f"item{item.pk}-heading": "快递员派件费下调",
                f"item{item.pk}-source": "滨海县总工会",
                f"item{item.pk}-text": "改写后的正文",
            },
        )
        assert issue.items.get().heading == "快递员派件费下调"
        assert Report.objects.get(pk=item_report.pk).title == "快递网点派件费下调引发议论"  # the original stays
        response = client.post(reverse("reports:issue_sign", args=[issue.pk]))
        assert response.status_code == 400 and "请填写签发人" in response.content.decode()
        client.post(
            reverse("reports:issue_update", args=[issue.pk]),
            {
                "signer": "王主席",
                "compiler": "赵编辑",
                "editor_note": "",
                "report_to": "省总工会",
                "send_to": "",
                "issue_to": "",
            },
        )
        response = client.post(reverse("reports:issue_sign", args=[issue.pk]))
        assert response.status_code == 302
        issue.refresh_from_db()
        assert (issue.state, issue.number, issue.signer) == ("signed", 1, "王主席")
        assert Report.objects.get(pk=item_report.pk).grade == Grade.ABOVE_ADOPTED

    def test_others_may_not_edit_a_units_issue(self, client, tree, item_report, forwarded):
        forwarded.append(item_report)
        issue = services.issue_create(publication=city_publication(tree), actor=tree["city_reviewer"])
        client.force_login(tree["province_reviewer"])  # sees the city's draft, does not edit it
        response = client.post(reverse("reports:item_add", args=[issue.pk]), {"report_id": item_report.pk})
        assert response.status_code == 400 and "只有盐城市的工作人员可以编辑" in response.content.decode()
        for role in ("nanjing_reviewer", "county_reviewer"):
            client.force_login(tree[role])
            assert (
                client.post(reverse("reports:item_add", args=[issue.pk]), {"report_id": item_report.pk}).status_code
                == 404
            )
        client.force_login(item_report.officer.user)
        assert client.post(reverse("reports:issue_sign", args=[issue.pk])).status_code == 403
        assert not issue.items.exists()


def test_the_demo_has_a_county_and_a_city_bulletin_and_an_open_instruction(db):
    from reports.models import BulletinItem, FollowUp

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "信息专报：已签发县《工作信息》和市《盐城工会信息》各一期，并登记一条待落实的领导批示。" in out.getvalue()
    signed = BulletinIssue.objects.filter(state="signed").select_related("publication")
    labels = {issue.publication.name: issue.number_label for issue in signed}
    year = signed[0].year
    assert labels == {"工作信息": f"{year}年第1期（总第119期）", "盐城工会信息": f"{year}年第1期"}
    assert BulletinItem.objects.filter(issue__publication__name="工作信息").count() == 2
    city_item = BulletinItem.objects.get(issue__publication__name="盐城工会信息")
    assert Report.objects.get(pk=city_item.report_id).grade == Grade.ABOVE_ADOPTED
    follow_up = FollowUp.objects.get()
    assert follow_up.feedback_at is None and follow_up.instruction.bulletin_item == city_item
    call_command("seed_demo", stdout=io.StringIO())
    assert BulletinIssue.objects.count() == 2 and FollowUp.objects.count() == 1


class TestQueriesPerPage:
    """The bulletin and instruction pages cost the same queries for a few items and for many."""

    def test_a_signed_issue_and_the_lists(self, client, tree, officer, django_assert_num_queries):
        publication = county_publication(tree)
        client.force_login(tree["county_reviewer"])

        def world(n):
            reports = [
                ReportFactory(
                    officer=officer,
                    status="reviewed",
                    grade="qualified",
                    submitted_at=at(2026, 11, 2, 9, i),
                    occurred_at=at(2026, 11, 2, 8),
                )
                for i in range(n)
            ]
            issue = draft_with(tree, publication, tree["county_reviewer"], reports)
            issue = services.issue_sign(issue=issue, actor=tree["county_reviewer"])
            for report in reports:
                services.instruction_record(
                    report=report,
                    actor=tree["county_reviewer"],
                    leader="县长",
                    rank="county",
                    text="阅",
                    given_on=at(2026, 11, 3).date(),
                    owner=tree["county_admin"],
                    due_on=at(2026, 11, 20).date(),
                )
            return issue

        counts = []
        for n in (2, 6):
            issue = world(n)
            for url in (
                reverse("reports:issue", args=[issue.pk]),
                reverse("reports:publication", args=[publication.pk]),
                reverse("reports:publications"),
                reverse("reports:instructions"),
            ):
                from django.test.utils import CaptureQueriesContext

                client.get(url)  # warm: what the signed-in floor caches on a first request is not the page's
                with CaptureQueriesContext(connection) as captured:
                    assert client.get(url).status_code == 200
                counts.append((url.split("/")[2:4], len(captured)))
        first, second = counts[:4], counts[4:]
        assert [n for _, n in first] == [n for _, n in second]


def test_the_city_records_a_leaders_instruction_on_its_bulletins_item(client, tree, item_report, forwarded):
    from datetime import timedelta

    from django.utils import timezone

    from reports.models import Instruction
    from unionportal.core.models import OutboxMessage

    forwarded.append(item_report)
    issue = draft_with(tree, city_publication(tree), tree["city_reviewer"], [item_report])
    services.issue_sign(issue=issue, actor=tree["city_reviewer"])
    item = issue.items.get()
    data = {
        "bulletin_item": item.pk,
        "leader": "市委副书记 王某某",
        "rank": "city",
        "text": "请督促企业依法处理。",
        "given_on": timezone.localdate().isoformat(),
        "owner": tree["county_admin"].pk,
        "due_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }
    url = reverse("reports:issue_instruction", args=[issue.pk])
    client.force_login(tree["county_reviewer"])  # sees the city's issue, does not record on it
    response = client.post(url, data)
    assert response.status_code == 400 and "只有刊物所属单位的工作人员可以" in response.content.decode()
    assert client.get(url, {"part": "1"}).content.decode().strip() == (  # no form to fetch either
        '<p class="small text-muted mb-0" data-testid="form-problem">'
        "只有刊物所属单位的工作人员可以在已签发的条目上登记批示</p>"
    )
    client.force_login(tree["city_reviewer"])
    form = client.get(url, {"part": "1"}).content.decode()  # the folded form, as the page fetches it
    assert "县管理（滨海县）" in form and "市审核（盐城市）" in form  # the owners offered
    assert client.post(url, data).status_code == 302
    instruction = Instruction.objects.get()
    assert (instruction.bulletin_item, instruction.county, instruction.recorded_region) == (
        item,
        tree["binhai"],
        tree["city"],
    )
    told = set(
        OutboxMessage.objects.filter(kind="instruction", channel="in_app").values_list("recipient_id", flat=True)
    )
    assert told == {tree["county_reviewer"].pk, tree["county_admin"].pk, item_report.officer.user_id}


def test_items_forwarded_to_a_city_are_its_candidates_and_refused_ones_are_not(county):
    from reports.models import ForwardedItem
    from reports.services.bulletins import forwarded_to_region

    province = RegionFactory(code="320000", name="江苏省", level=Region.Level.PROVINCE)
    city = RegionFactory(code="320900", name="盐城市", parent=province)
    county.region = city
    county.save()
    reviewer = ReviewerFactory(county=county)
    kept, refused = (ReportFactory(officer=OfficerFactory(county=county)) for _ in range(2))
    for report in (kept, refused):
        services.item_forward(report=report, actor=reviewer, title=report.title, content="内容")
    city_reviewer = ReviewerFactory(county=None, region=city)
    services.item_refuse(item=ForwardedItem.objects.get(report=refused), actor=city_reviewer, reason="情况已掌握")
    publication = services.publication_create(actor=AdminFactory(county=None, region=city), name="盐城工会信息")
    assert list(forwarded_to_region(publication).values_list("report_id", flat=True)) == [kept.pk]


def test_a_city_edits_the_copy_it_was_sent_never_the_officers_own_words(county):
    from reports.models import ForwardedItem

    province = RegionFactory(code="320000", name="江苏省", level=Region.Level.PROVINCE)
    city = RegionFactory(code="320900", name="盐城市", parent=province)
    county.region = city
    county.save()
    reviewer = ReviewerFactory(county=county)
    report = ReportFactory(
        officer=OfficerFactory(county=county),
        title="刘洋反映某厂欠薪",
        content="刘洋反映：某厂欠薪",
        status="reviewed",
        grade="qualified",
    )
    services.item_forward(report=report, actor=reviewer, title="某厂拖欠职工工资", content="某厂拖欠职工3个月工资")
    assert ForwardedItem.objects.filter(report=report).exists()
    city_admin = AdminFactory(county=None, region=city)
    publication = services.publication_create(actor=city_admin, name="盐城工会信息")
    issue = services.issue_create(publication=publication, actor=city_admin)
    item = services.item_add(issue=issue, actor=city_admin, report_id=report.pk)
    assert (item.heading, item.text, item.source) == (
        "某厂拖欠职工工资",
        "某厂拖欠职工3个月工资",
        f"{county.name}总工会",
    )


def test_the_signed_issues_instruction_form_is_folded_and_fetched_by_its_keeper(client, tree, item_report):
    """The issue page does not render the instruction form: it is fetched when its panel opens."""
    editor = tree["county_reviewer"]
    issue = services.issue_sign(issue=draft_with(tree, county_publication(tree), editor, [item_report]), actor=editor)
    url = reverse("reports:issue_instruction", args=[issue.pk])
    client.force_login(editor)
    page = client.get(reverse("reports:issue", args=[issue.pk])).content.decode()
    assert f'data-deferred-form="{url}?part=1"' in page and 'name="leader"' not in page
    form = client.get(url, {"part": "1"}).content.decode()
    assert 'name="leader"' in form and 'name="bulletin_item"' in form and "<html" not in form
    for other in ("city_reviewer", "jiangning_reviewer"):  # a county's issue is the county's own
        client.force_login(tree[other])
        assert client.get(url, {"part": "1"}).status_code == 404
