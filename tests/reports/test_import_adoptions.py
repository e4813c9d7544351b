"""Adoption receipts (contract section 7): import_adoptions, the admin's import page, and a receipt
entered by hand on the item."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from officers.models import Officer
from officers.services import county_upsert
from reports.adoption_ledger import AdoptionLedgerResource
from reports.models import Adoption, Grade, Report
from tests.factories import AdminFactory, OfficerFactory, ReportFactory, ReviewerFactory, image_bytes
from unionportal.core.ledger import load_ledger_file
from unionportal.core.models import ImportJob, Notification

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "samples"
HEADER = "报送人手机号,报送时间,标题,采用单位,刊物,期号,采用日期"
pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(db):
    """The samples in the contract's order: officers, reports, then the receipts."""
    county, _ = county_upsert(code="320922", name="滨海县", townships=["东坎街道", "坎北街道", "五汛镇", "八巨镇"])
    call_command("import_officers", str(SAMPLES / "officers.csv"), stdout=io.StringIO())
    call_command("import_reports", str(SAMPLES / "reports.csv"), stdout=io.StringIO())
    return county


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_adoptions", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return None, err.getvalue().strip().splitlines(), str(exc)
    return out.getvalue().strip(), err.getvalue().strip().splitlines(), None


def write(tmp_path, *rows):
    path = tmp_path / "adoptions.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_sample_raises_both_reports_with_their_provenance(ledger):
    out, _, _ = run(SAMPLES / "adoptions.csv")
    assert out == "导入完成：新增 2 条，更新 0 条，未变化 0 条（共 2 行）。"
    overtime = Report.objects.get(title="车间三班组反映加班费计算有疑问")
    assert (overtime.grade, overtime.adopted_by, overtime.adopted_on, overtime.adoption_doc_no) == (
        Grade.ABOVE_ADOPTED,
        "盐城市委办公室",
        date(2026, 10, 27),
        "《盐城信息》2026年第41期",
    )
    courier = Report.objects.get(title="快递网点派件费下调引发议论")
    assert (courier.grade, courier.adopted_by) == (Grade.ABOVE_ADOPTED, "江苏省总工会")  # 县总工会采用 raised
    adoption = Adoption.objects.get(report=courier)
    assert (adoption.source, adoption.publication, adoption.issue, adoption.raised_grade) == (
        "import",
        "江苏工运信息",
        "2026年第19期",
        True,
    )
    assert Notification.objects.filter(report=courier, title__contains="江苏省总工会采用").count() == 1


def test_reimport_changes_nothing_and_a_dry_run_writes_nothing(ledger):
    out, _, _ = run(SAMPLES / "adoptions.csv", "--dry-run")
    assert out == "试运行，未写入任何数据：将新增 2 条，更新 0 条，未变化 0 条（共 2 行）。"
    assert not Adoption.objects.exists()
    run(SAMPLES / "adoptions.csv")
    versions = dict(Report.objects.values_list("pk", "version"))
    out, _, _ = run(SAMPLES / "adoptions.csv")
    assert out == "导入完成：新增 0 条，更新 0 条，未变化 2 条（共 2 行）。"
    assert Adoption.objects.count() == 2 and dict(Report.objects.values_list("pk", "version")) == versions


def test_every_bad_row_is_named_and_nothing_is_written(ledger, tmp_path):
    OfficerFactory(county=county_upsert(code="320923", name="阜宁县")[0], phone="13815119999")
    ReportFactory(
        officer=Officer.objects.get(phone="13815119999"),
        title="外县信息",
        submitted_at=timezone.make_aware(timezone.datetime(2026, 10, 9, 9, 0)),
        occurred_at=timezone.make_aware(timezone.datetime(2026, 10, 9, 8, 0)),
    )
    path = write(
        tmp_path,
        "13815110001,2026-10-08 16:20,车间三班组反映加班费计算有疑问,盐城市委办公室,盐城信息,2026年第41期,2026-10-27",
        "13815110001,2026-10-08 16:21,车间三班组反映加班费计算有疑问,盐城市委办公室,盐城信息,2026年第41期,2026-10-27",
        "13815110004,2026-10-20 19:45,快递网点派件费下调引发议论,,江苏工运信息,2026年第19期,2026-10-01",
        "13815119999,2026-10-09 09:00,外县信息,盐城市委办公室,,,2026-10-27",
        "13815110001,2026-10-08 16:20,车间三班组反映加班费计算有疑问,盐城市委办公室,盐城信息,2026年第41期,2026-10-27",
        "13815110002,2026-10-12 10:40,某纺织企业拖欠工资苗头,盐城市委办公室,,,2026/10/30",
    )
    out, errors, failure = run(path)
    assert out is None
    assert failure == "导入失败：4 行有错误，未写入任何数据。请改正后重新导入。"
    assert errors == [
        "第3行：标题：找不到对应的报送信息（报送人手机号、报送时间和标题须与平台中的一条信息完全一致）",
        "第4行：采用单位：采用单位不能为空",
        "第4行：采用日期：采用日期不能早于报送日期（2026-10-20）",
        # row 5 (阜宁县) is good here: the operator's command acts for every county (an admin's does not)
        "第6行：采用单位：与第2行是同一份采用回执",
        "第7行：采用日期：“2026/10/30”不是有效日期，格式应为 YYYY-MM-DD",
    ]
    assert not Adoption.objects.exists()
    assert Report.objects.get(title="车间三班组反映加班费计算有疑问").grade == Grade.QUALIFIED


def test_a_county_admin_may_not_import_another_countys_receipts(ledger):
    other = county_upsert(code="320923", name="阜宁县")[0]
    resource = AdoptionLedgerResource(user=AdminFactory(county=other))
    result = resource.import_data(load_ledger_file(str(SAMPLES / "adoptions.csv")), dry_run=True)
    messages = [str(m) for row in result.invalid_rows for m in row.error_dict["标题"]]
    assert messages == ["该信息属于滨海县，不能导入其他县区信息的采用回执"] * 2


def test_the_file_is_checked_in_bulk(ledger, django_assert_num_queries, tmp_path):
    """Loading and checking the rows costs the same queries for 2 rows and for 40 (no query per row)."""
    phone = "13815110001"
    officer = Officer.objects.get(phone=phone)
    reports = [
        ReportFactory(
            officer=officer,
            title=f"批量信息{n}",
            submitted_at=timezone.make_aware(timezone.datetime(2026, 10, 9, 9, n)),
            occurred_at=timezone.make_aware(timezone.datetime(2026, 10, 9, 8, 0)),
        )
        for n in range(40)
    ]
    resource = AdoptionLedgerResource()

    def checked(count):
        rows = [
            f"{phone},2026-10-09 09:{n:02d},{r.title},盐城市委办公室,盐城信息,第{n}期,2026-10-27"
            for n, r in enumerate(reports[:count])
        ]
        dataset = load_ledger_file(str(write(tmp_path, *rows)))
        resource.before_import(dataset)
        for number, row in enumerate(dataset.dict, 1):
            resource._parse(row, number)

    with django_assert_num_queries(2):
        checked(2)
    with django_assert_num_queries(2):
        checked(40)


def test_the_admins_import_page_previews_then_writes(client, ledger):
    admin = AdminFactory(county=ledger)
    client.force_login(admin)
    assert "采用回执" in client.get(reverse("reports:import_adoptions")).content.decode()
    text = (SAMPLES / "adoptions.csv").read_text(encoding="utf-8")
    response = client.post(
        reverse("reports:import_adoptions"), {"file": SimpleUploadedFile("adoptions.csv", text.encode())}
    )
    job = ImportJob.objects.get(kind="adoptions")
    assert job.state == ImportJob.State.CHECKED and not Adoption.objects.exists()
    assert "将新增 2 条" in client.get(response["Location"]).content.decode()
    client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and Adoption.objects.filter(source="import").count() == 2
    # A reviewer has no import page.
    client.force_login(ReviewerFactory(county=ledger))
    assert client.get(reverse("reports:import_adoptions")).status_code == 403


class TestReceiptByHand:
    @pytest.fixture
    def report(self, county):
        officer = OfficerFactory(county=county, phone="13815110004")
        when = timezone.make_aware(timezone.datetime(2026, 10, 20, 19, 45))
        return ReportFactory(officer=officer, title="快递网点派件费下调", submitted_at=when, occurred_at=when)

    def post(self, client, report, **extra):
        data = {
            "body": "江苏省总工会",
            "publication": "江苏工运信息",
            "issue": "2026年第19期",
            "adopted_on": "2026-11-06",
        } | extra
        return client.post(reverse("reports:receipt", args=[report.pk]), data)

    def test_a_county_reviewer_enters_a_receipt_with_its_scan(self, client, county, report):
        client.force_login(ReviewerFactory(county=county))
        scan = SimpleUploadedFile("回执.png", image_bytes(), content_type="image/png")
        response = self.post(client, report, receipt=scan)
        assert response.status_code == 302
        adoption = Adoption.objects.get()
        assert (adoption.source, adoption.body, adoption.receipt_name, adoption.receipt_type) == (
            "receipt",
            "江苏省总工会",
            "回执.png",
            "image/png",
        )
        assert Report.objects.get(pk=report.pk).grade == Grade.ABOVE_ADOPTED
        download = client.get(reverse("reports:adoption_receipt", args=[adoption.pk]))
        assert download.status_code == 200 and download["Content-Type"] == "image/png"
        page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
        assert "江苏省总工会《江苏工运信息》2026年第19期（2026-11-06）" in page

    def test_a_bad_receipt_is_refused_in_chinese(self, client, county, report):
        client.force_login(ReviewerFactory(county=county))
        response = self.post(client, report, adopted_on="2026-10-19")
        assert response.status_code == 400
        assert "采用日期不能早于报送日期（2026-10-20）" in response.content.decode()
        fake = SimpleUploadedFile("a.png", b"not an image", content_type="image/png")
        response = self.post(client, report, receipt=fake)
        assert response.status_code == 400 and "不是图片或 PDF 文件" in response.content.decode()
        assert not Adoption.objects.exists()

    def test_other_roles_are_refused(self, client, county, other_county, report):
        for user, status in (
            (ReviewerFactory(county=other_county), 404),
            (report.officer.user, 403),
        ):
            client.force_login(user)
            assert self.post(client, report).status_code == status
        assert not Adoption.objects.exists()
