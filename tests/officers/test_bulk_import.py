"""The officer ledger at bulk speed (issue 21): a fixed number of queries whatever the file's size,
the same rows, accounts, codes and history as the admin's row-by-row page, all or nothing."""

from functools import partial

import pytest
from django.db import IntegrityError

from officers.bulk import OfficerLedger
from officers.models import Enterprise, Officer, OfficerStatusChange, User
from officers.resources import OfficerLedgerResource
from officers.services import county_upsert
from tests.factories import AdminFactory, EnterpriseFactory, OfficerFactory, ReviewerFactory
from tests.ledger_helpers import (
    command_queries,
    credit_code,
    run_bulk,
    run_command,
    write_ledger,
    written_row_by_row,
)
from tests.officers.test_import import HEADER, SAMPLES
from unionportal.core.imports.bulk import CONCURRENT_WRITE
from unionportal.core.ledger import row_messages
from unionportal.core.models import AuditEntry, UserSession

pytestmark = pytest.mark.django_db


def write(tmp_path, lines, name="o.csv"):
    return write_ledger(tmp_path, HEADER, lines, name)


run = partial(run_command, "import_officers")
bulk = partial(run_bulk, OfficerLedger)


@pytest.fixture
def county(db):
    """滨海县 with the townships the samples name."""
    return county_upsert(code="320922", name="滨海县", townships=["东坎街道", "坎北街道", "五汛镇", "八巨镇"])[0]


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(OfficerLedger, "batch_rows", 2)


def rows(count: int, *, status="在岗") -> list[str]:
    """``count`` officers of 滨海县: employers shared by name, some by credit code, some new."""
    lines = []
    for n in range(count):
        if n % 3 == 0:
            employer = f"滨海第{n // 6}纺织厂,{credit_code(n // 6)}"
        elif n % 3 == 1:
            employer = f"滨海第{n // 6}物流公司,"
        else:
            employer = ","
        lines.append(f"信息员{n},1390000{n:04d},男,320922,东坎街道,{employer},一线职工,,,,{status},2024-03-01")
    return lines


def snapshot() -> dict:
    """Everything an officer import writes, without keys and moments."""
    officers = Officer.objects.select_related("county", "township", "employer__township", "user").order_by("phone")
    return {
        "officers": [
            (
                o.name,
                o.phone,
                o.gender,
                o.county.code,
                o.township.name if o.township else None,
                (o.employer.name, o.employer.credit_code, o.employer.county_id, o.employer.township_id)
                if o.employer
                else None,
                o.category,
                o.key_group,
                o.recommended_by,
                o.vetted_by,
                o.status,
                o.appointed_on,
                o.serial,
                o.code,
                o.sort_key,
                (o.user.username, o.user.full_name, o.user.role, o.user.is_active, o.user.has_usable_password()),
            )
            for o in officers
        ],
        "enterprises": sorted(Enterprise.objects.values_list("name", "credit_code", "county_id", "township_id")),
        "history": sorted(
            OfficerStatusChange.objects.values_list(
                "officer__phone", "from_status", "to_status", "reason", "changed_by"
            )
        ),
        "users": User.objects.count(),
        "audit": sorted(AuditEntry.objects.filter(action="import").values_list("target", flat=True)),
    }


def by_row_then_rolled_back(path, **kwargs) -> tuple[dict, list[str]]:
    return written_row_by_row(OfficerLedgerResource(), path, snapshot, **kwargs)


queries = partial(command_queries, run)


def test_the_sample_writes_what_the_row_by_row_page_wrote(county, tmp_path):
    expected, problems = by_row_then_rolled_back(SAMPLES / "officers.csv")
    assert problems == [] and len(expected["officers"]) == 6
    out, _, _ = run(SAMPLES / "officers.csv")
    assert out == "导入完成：新增 6 条，更新 0 条，未变化 0 条（共 6 行）。"
    assert snapshot() == expected


def test_a_changed_ledger_updates_as_the_row_by_row_page_did(county, tmp_path):
    run(SAMPLES / "officers.csv")
    # Moved to another employer (a new one), stopped, dismissed, a name changed; the rest unchanged.
    text = (SAMPLES / "officers.csv").read_text(encoding="utf-8")
    text = text.replace("刘洋,13815110004,男,320922,坎北街道,,", "刘洋,13815110004,男,320922,坎北街道,新开物流公司,")
    text = text.replace(
        "快递员,县快递行业协会,县交通运输行业工会联合会,在岗", "快递员,县快递行业协会,县交通运输行业工会联合会,停用"
    )
    text = text.replace("赵敏,", "赵敏敏,").replace("劳动法律监督员,,,,在岗", "劳动法律监督员,,,,解聘")
    path = tmp_path / "changed.csv"
    path.write_text(text, encoding="utf-8")
    expected, problems = by_row_then_rolled_back(path)
    assert problems == []
    out, _, _ = run(path)
    assert out == "导入完成：新增 0 条，更新 3 条，未变化 3 条（共 6 行）。"
    assert snapshot() == expected
    liu = Officer.objects.select_related("user", "employer").get(phone="13815110004")
    assert (liu.status, liu.user.is_active, liu.employer.name) == ("suspended", False, "新开物流公司")


def test_the_file_takes_the_same_queries_at_5_and_at_50_rows(county, tmp_path):
    small = queries(write(tmp_path, rows(5), name="small.csv"))
    print(f"\nimport_officers queries, new officers: {small} at 5 rows")
    Officer.objects.all().delete()
    User.objects.filter(role="officer").delete()
    Enterprise.objects.all().delete()
    large = queries(write(tmp_path, rows(50), name="large.csv"))
    print(f"import_officers queries, new officers: {large} at 50 rows")
    assert small == large
    assert Officer.objects.count() == 50 and Enterprise.objects.count() == 18
    # Updating takes a fixed number too: every officer of the large file stopped.
    update_small = queries(write(tmp_path, rows(5, status="停用"), name="small2.csv"))
    update_large = queries(write(tmp_path, rows(50, status="停用"), name="large2.csv"))
    print(f"import_officers queries, every officer updated: {update_small} at 5, {update_large} at 50 rows")
    assert update_small == update_large


def test_codes_follow_the_ledger_order_across_batches(county, tmp_path, small_batches):
    OfficerFactory(county=county)  # 320922-0001 is taken
    out, _, _ = run(write(tmp_path, rows(5)))
    assert out == "导入完成：新增 5 条，更新 0 条，未变化 0 条（共 5 行）。"
    assert list(
        Officer.objects.filter(phone__startswith="1390000").order_by("phone").values_list("code", flat=True)
    ) == [f"320922-{n:04d}" for n in range(2, 7)]
    # The employer a first batch brought in is the one a later batch's row finds.
    assert Enterprise.objects.filter(name="滨海第0纺织厂").count() == 1


def test_reimport_changes_nothing(county, tmp_path, small_batches):
    path = write(tmp_path, rows(7))
    run(path)
    before = snapshot()
    out, _, _ = run(path)
    assert out == "导入完成：新增 0 条，更新 0 条，未变化 7 条（共 7 行）。"
    after = snapshot()
    assert after["audit"] == sorted(before["audit"] + ["信息员台账：新增 0，更新 0，未变化 7"])
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}


def test_a_bad_row_anywhere_writes_nothing(county, tmp_path, small_batches):
    ReviewerFactory(county=county, username="13900009999")
    lines = rows(6) + ["王五,13900009999,男,320922,,,,一线职工,,,,在岗,"]
    _, err, failure = run(write(tmp_path, lines))
    assert failure == "导入失败：1 行有错误，未写入任何数据。请改正后重新导入。"
    assert err == ["第8行：手机号：该手机号已被工作人员账号使用"]
    assert (Officer.objects.count(), Enterprise.objects.count(), OfficerStatusChange.objects.count()) == (0, 0, 0)
    assert User.objects.filter(role="officer").count() == 0
    assert not AuditEntry.objects.filter(action="import").exists()


def test_an_officer_registered_while_the_file_is_written_refuses_the_file(county, tmp_path, small_batches, monkeypatch):
    """The import locks nothing it only read: a phone checked as free and registered by a web page
    before the batch is written refuses the whole file with one clear message (and the next run names
    the row), not a traceback."""
    checked = OfficerLedger.match

    def match_then_someone_registers(self, items):
        checked(self, items)
        if items[0].number == 4:  # the second batch of two: its first phone taken meanwhile
            OfficerFactory(county=county, phone="13900000002")

    monkeypatch.setattr(OfficerLedger, "match", match_then_someone_registers)
    path = write(tmp_path, rows(5))
    _, err, failure = run(path)
    assert failure == CONCURRENT_WRITE
    assert err == [CONCURRENT_WRITE]
    assert (Officer.objects.count(), Enterprise.objects.count(), OfficerStatusChange.objects.count()) == (0, 0, 0)
    assert not AuditEntry.objects.filter(action="import").exists()
    monkeypatch.setattr(OfficerLedger, "match", checked)
    OfficerFactory(county=county, phone="13900000002", name="网页登记")  # what the page had registered
    out, _, _ = run(path)
    assert out == "导入完成：新增 4 条，更新 1 条，未变化 0 条（共 5 行）。"


def test_a_rule_the_check_missed_is_not_called_a_concurrent_write(county, tmp_path, monkeypatch):
    """A NOT NULL refusal at write time is the import's own fault: it is raised (the job page shows the
    general error and logs it), not reported as someone else's write."""
    written = OfficerLedger.write

    def write_with_a_missing_name(self, new, updated):
        for item in new:
            item.extra["officer"].name = None
        written(self, new, updated)

    monkeypatch.setattr(OfficerLedger, "write", write_with_a_missing_name)
    with pytest.raises(IntegrityError) as raised:
        run(write(tmp_path, rows(2)))
    assert CONCURRENT_WRITE not in str(raised.value)
    assert (Officer.objects.count(), Enterprise.objects.count(), User.objects.filter(role="officer").count()) == (
        0,
        0,
        0,
    )


def test_the_bulk_import_and_the_row_by_row_page_give_the_same_reasons(county, other_county, tmp_path):
    EnterpriseFactory(county=other_county, name="阜宁某厂", credit_code=credit_code(900))
    ReviewerFactory(county=county, username="13815118888")
    OfficerFactory(county=county, phone="13815117777", status="dismissed")
    lines = [
        f"王建国,13815110001,男,320922,,某厂,{credit_code(900)},一线职工,,,,在岗,",
        "李四,13815118888,女,320922,,,,一线职工,,,,,",
        "张三,13815117777,男,320922,,,,一线职工,,,,在岗,",
        "赵六,13815110006,男,320922,,,,一线职工,快递员,,,,",
        "孙七,13815110007,男,320922,,,,一线职工,,,,在岗,2999-01-01",
        "周八,13815110008,男,320922,滨海港镇,,,保安,,,,,2024/03/01",
        "周八,13815110008,男,320922,,,,一线职工,,,,,",
        "吴九,13815110009,男,320922,,{},,一线职工,,,,,".format("长" * 101),
    ]
    path = write(tmp_path, lines)
    _, by_row = by_row_then_rolled_back(path)
    assert row_messages(bulk(path)) == by_row
    assert by_row[:3] == [
        f"第2行：统一社会信用代码：统一社会信用代码 {credit_code(900)} 已登记为阜宁县的企业“阜宁某厂”",
        "第3行：手机号：该手机号已被工作人员账号使用",
        "第4行：状态：不能从“解聘”改为“在岗”（解聘后不能恢复，候选须先聘任）",
    ]
    assert "第5行：重点群体：只有人员类别为“新就业形态劳动者”的信息员才能选择重点群体" in by_row
    assert "第6行：聘任日期：在岗信息员的聘任日期不能晚于今天" in by_row
    assert Officer.objects.count() == 1


def test_a_county_admin_is_told_only_that_the_phone_is_taken(county, other_county, tmp_path):
    OfficerFactory(county=other_county, phone="13815119999")
    ReviewerFactory(county=other_county, username="13815118888")
    lines = [
        f"王建国,{phone},男,320922,,,,一线职工,,,,在岗," for phone in ("13815119999", "13815118888", "13815117777")
    ]
    path = write(tmp_path, lines)
    admin = AdminFactory(county=county)
    taken = "该手机号已被其他账号使用，不能登记为本县区的信息员"
    assert row_messages(bulk(path, user=admin)) == [f"第2行：手机号：{taken}", f"第3行：手机号：{taken}"]


def test_stopping_officers_ends_their_sessions(county, tmp_path):
    run(write(tmp_path, rows(3)))
    user = User.objects.get(username="13900000001")
    UserSession.objects.create(user=user, session_key="k" * 32)
    out, _, _ = run(write(tmp_path, rows(3, status="停用")))
    assert out == "导入完成：新增 0 条，更新 3 条，未变化 0 条（共 3 行）。"
    assert not UserSession.objects.filter(user=user).exists()
    assert set(User.objects.filter(role="officer").values_list("is_active", flat=True)) == {False}
    assert (
        OfficerStatusChange.objects.filter(from_status="active", to_status="suspended", reason="台账导入").count() == 3
    )
