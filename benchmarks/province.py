"""A province on PostgreSQL, loaded in bulk with COPY: 100 counties, 50,000 officers,
1,200,000 reports over two years, 50,000 dispute cases; the unit tree above them (1 province,
13 cities) and the items forwarded upward (1 report in 100 to its city, 1 in 4 of those on to the
province).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_province .venv/bin/python benchmarks/province.py

Idempotent: a database that already holds the province is left alone. Used by load.py.
"""

import io
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings.local")
os.environ.setdefault("DEBUG", "false")
BJ = ZoneInfo("Asia/Shanghai")
COUNTIES, OFFICERS, REPORTS, CASES = 100, 50_000, 1_200_000, 50_000
PROVINCE, CITIES = "330000", [f"{331000 + 100 * k:06d}" for k in range(13)]
FORWARD_ONE_IN, ON_ONE_IN = 100, 4


def copy(table, columns, rows):
    """COPY ``rows`` into ``table``; every column not given gets the model's default (so a field
    added to a model later needs no change here), as the ledger imports' RowWriter does."""
    from django.apps import apps
    from django.db import connection

    from unionportal.core.imports.writing import RowWriter

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    writer = RowWriter(model, tuple(columns))
    tail = ("\t" + writer.constant if writer.rest else "") + "\n"
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(row) + tail)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_from(buffer, table, columns=[*columns, *(f.column for f in writer.rest)])


def load():
    from django.core.management import call_command

    from officers.models import County, Officer
    from officers.services import county_upsert

    call_command("migrate", verbosity=0)
    if Officer.objects.count() >= OFFICERS:
        load_units()  # a province loaded before the unit tree existed gains it once
        return
    rng = random.Random(2026)
    started = time.perf_counter()
    for i in range(COUNTIES):
        county_upsert(code=f"{330100 + i:06d}", name=f"测试{i}县", townships=[f"第{j}镇" for j in range(1, 11)])
    counties = list(County.objects.filter(code__startswith="33").values_list("pk", flat=True))
    from officers.models import Enterprise, Township

    townships = {}
    for pk, county_id in Township.objects.values_list("pk", "county_id"):
        townships.setdefault(county_id, []).append(pk)
    now = datetime.now(tz=BJ).isoformat()
    copy(
        "officers_enterprise",
        ("name", "credit_code", "county_id", "is_foreign_funded", "industry"),
        ([f"企业{c}-{k}", "", str(c), "f", ""] for c in counties for k in range(20)),
    )
    enterprises = {}
    for pk, county_id in Enterprise.objects.values_list("pk", "county_id"):
        enterprises.setdefault(county_id, []).append(pk)
    copy(
        "officers_officer",
        (
            "name",
            "sort_key",
            "phone",
            "gender",
            "county_id",
            "township_id",
            "category",
            "key_group",
            "recommended_by",
            "vetted_by",
            "status",
            "created_at",
            "updated_at",
            "serial",
            "code",
        ),
        (
            [
                f"信息员{i}",
                f"xin4 xi1 yuan2 {i}",
                f"16{i:09d}",
                "",
                str(counties[i % COUNTIES]),
                str(rng.choice(townships[counties[i % COUNTIES]])),
                "frontline",
                "",
                "",
                "",
                "active",
                now,
                now,
                str(i // COUNTIES + 1),
                f"{330100 + i % COUNTIES:06d}-{i // COUNTIES + 1:04d}",
            ]
            for i in range(OFFICERS)
        ),
    )
    officers = list(Officer.objects.filter(county_id__in=counties).values_list("pk", "county_id", "township_id"))
    grades = ["qualified"] * 5 + ["rejected"] * 2 + ["county_adopted", "above_adopted", "pending"]
    start = datetime(2025, 1, 1, tzinfo=BJ)
    span = int((datetime(2026, 12, 31, tzinfo=BJ) - start).total_seconds())

    def reports():
        for i in range(REPORTS):
            officer, county, township = officers[rng.randrange(len(officers))]
            when = start + timedelta(seconds=rng.randrange(span))
            grade = rng.choice(grades)
            yield [
                str(officer),
                str(county),
                str(township),
                f"信息{i}",
                "内容",
                rng.choice(["wage_arrears", "labour_dispute", "mass_incident", "other"]),
                "emergency" if i % 10 == 0 else "general",
                when.isoformat(),
                when.isoformat(),
                "submitted" if grade == "pending" else "reviewed",
                grade,
                "t" if i % 5 else "f",
                {"county_adopted": "县总工会", "above_adopted": "市总工会"}.get(grade, ""),
                "",
                "",
                "",
                "",
                "0",
                now,
                now,
            ]

    copy(
        "reports_report",
        (
            "officer_id",
            "county_id",
            "township_id",
            "title",
            "content",
            "category",
            "urgency",
            "occurred_at",
            "submitted_at",
            "status",
            "grade",
            "on_time",
            "adopted_by",
            "adoption_doc_no",
            "review_comment",
            "return_reason",
            "enterprise_name",
            "version",
            "created_at",
            "updated_at",
        ),
        reports(),
    )
    day0 = date(2025, 1, 1)

    def cases():
        for i in range(CASES):
            county = counties[i % COUNTIES]
            registered = day0 + timedelta(days=rng.randrange(700))
            done = i % 3 != 0
            result = ("success" if i % 20 else "failure") if done else ""
            yield [
                str(county),
                f"{county}-{i:06d}",
                registered.isoformat(),
                str(rng.choice(enterprises[county])),
                "wage_arrears",
                str(rng.randint(1, 50)),
                "\\N",
                "案情",
                "\\N",
                {"success": "succeeded", "failure": "failed"}.get(result, "mediating"),
                result,
                (registered + timedelta(days=20)).isoformat() if done else "\\N",
                "",
                "\\N",
                "\\N",
                "f",
                now,
                now,
            ]

    copy(
        "disputes_disputecase",
        (
            "county_id",
            "number",
            "registered_on",
            "enterprise_id",
            "dispute_type",
            "workers_involved",
            "amount_claimed",
            "description",
            "township_id",
            "status",
            "mediation_result",
            "result_on",
            "transferred_to",
            "transferred_on",
            "closed_on",
            "from_ledger",
            "last_activity_at",
            "created_at",
        ),
        cases(),
    )
    load_units()
    print(f"province loaded in {time.perf_counter() - started:.0f}s")


def load_units():
    """The unit tree (1 province, 13 cities, each county under a city) and the forwarded items:
    every FORWARD_ONE_IN-th report forwarded to its city, every ON_ONE_IN-th of those on to the
    province; a third of what each unit received is decided. Idempotent."""
    from django.db import connection
    from django.db.models.functions import Mod

    from officers.models import County, Officer, Region
    from officers.services import county_upsert, region_upsert, staff_upsert
    from reports.models import ForwardedItem, Report

    if Region.objects.filter(code=PROVINCE).exists():
        return
    started = time.perf_counter()
    region_upsert(code=PROVINCE, name="测试省", level="province")
    for k, code in enumerate(CITIES):
        region_upsert(code=code, name=f"测试{k}市", level="city", parent_code=PROVINCE)
    for i, county in enumerate(County.objects.filter(code__startswith="3301").order_by("code")):
        county_upsert(code=county.code, name=county.name, parent_code=CITIES[i % len(CITIES)])
    cities = dict(Region.objects.filter(code__in=CITIES).values_list("pk", "code"))
    city_of = dict(County.objects.filter(region__isnull=False).values_list("pk", "region_id"))
    province = Region.objects.get(code=PROVINCE)
    county_staff, _ = staff_upsert(
        phone="13911110009", name="压测上报", county_code="330100", role="reviewer", password="Load#test2026"
    )
    city_staff, _ = staff_upsert(
        phone="13911110010", name="压测市审核", unit_code=CITIES[0], role="reviewer", password="Load#test2026"
    )
    codes = dict(Officer.objects.values_list("pk", "code"))
    rng = random.Random(15)
    columns = (
        "report_id", "county_id", "from_region_id", "to_region_id", "previous_id", "officer_code", "title",
        "content", "category", "urgency", "note", "with_attachments", "forwarded_by_id", "forwarded_at",
        "status", "decided_by_id", "decided_at", "refusal_reason", "publication", "issue", "adopted_on",
        "adoption_id",
    )  # fmt: skip
    picked = list(
        Report.objects.annotate(m=Mod("pk", FORWARD_ONE_IN))
        .filter(m=0)
        .values_list("pk", "county_id", "officer_id", "category", "urgency", "submitted_at")
        .order_by("pk")
    )

    def first_forwards():
        for n, (pk, county, officer, category, urgency, submitted) in enumerate(picked):
            when = (submitted + timedelta(days=1)).isoformat()
            refused = n % 3 == 1
            yield [
                str(pk), str(county), "\\N", str(city_of[county]), "\\N", codes[officer], f"上报{pk}", "内容",
                category, urgency, "", "f", str(county_staff.pk), when,
                "refused" if refused else "pending", str(city_staff.pk) if refused else "\\N",
                when if refused else "\\N", "不予采用" if refused else "", "", "", "\\N", "\\N",
            ]  # fmt: skip

    copy("reports_forwardeditem", columns, first_forwards())
    onward = list(
        ForwardedItem.objects.filter(status="pending")
        .annotate(m=Mod("report_id", FORWARD_ONE_IN * ON_ONE_IN))
        .filter(m=0)
        .values_list("pk", "report_id", "county_id", "to_region_id", "officer_code", "category", "urgency",
                     "forwarded_at")
    )  # fmt: skip

    def second_forwards():
        for pk, report, county, city, code, category, urgency, when in onward:
            at = (when + timedelta(days=rng.randint(1, 5))).isoformat()
            yield [
                str(report), str(county), str(city), str(province.pk), str(pk), code, f"转报{report}", "内容",
                category, urgency, "", "f", str(city_staff.pk), at, "pending", "\\N", "\\N", "", "", "",
                "\\N", "\\N",
            ]  # fmt: skip

    copy("reports_forwardeditem", columns, second_forwards())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"unit tree: {len(cities)} cities, {ForwardedItem.objects.count()} forwarded items "
        f"in {time.perf_counter() - started:.0f}s"
    )


def main():
    import stipend_sheet

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database")
    stipend_sheet.ensure_database(url)
    import django

    django.setup()
    load()


if __name__ == "__main__":
    main()
