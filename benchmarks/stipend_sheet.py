"""Benchmark: a month's stipend sheet for 50,000 officers and 600,000 reports, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_bench \\
        .venv/bin/python benchmarks/stipend_sheet.py [--officers 50000] [--reports 600000] [--keep]

It creates the database if needed, migrates, loads the data with COPY, then measures in one run:
  portal  - the sheet as the portal builds it (selectors.sheet_summary) and its xlsx/csv exports;
  baseline - one hand-written SQL aggregate of the same figures, and a raw openpyxl write-only
             export of those rows.
It reports SQL queries, wall time and peak Python memory (tracemalloc), and the portal/baseline
ratios. It is a benchmark, not a test: no assertion on time.
"""

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings.local")
os.environ.setdefault("DEBUG", "false")

BJ = ZoneInfo("Asia/Shanghai")
MONTH = date(2026, 10, 1)
COUNTY_CODE = "329999"


def ensure_database(url: str):
    from urllib.parse import urlparse

    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def load(officers: int, reports: int):
    from django.core.management import call_command
    from django.db import connection

    from officers.models import County, Officer
    from officers.rules import pinyin_key
    from officers.services import county_upsert

    call_command("migrate", verbosity=0)
    county, _ = county_upsert(code=COUNTY_CODE, name="基准县", townships=[f"第{i}镇" for i in range(1, 21)])
    from reports.models import Report

    have = (Officer.objects.filter(county=county).count(), Report.objects.filter(county=county).count())
    if have == (officers, reports):
        return county
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_stipendsheetrow; DELETE FROM reports_sheetevent;")
        cursor.execute("DELETE FROM reports_budgetline; DELETE FROM reports_stipendsheet;")
        cursor.execute("DELETE FROM reports_reviewevent; DELETE FROM reports_report WHERE county_id = %s", [county.pk])
        cursor.execute(
            "DELETE FROM officers_officerstatuschange; DELETE FROM officers_officer WHERE county_id = %s", [county.pk]
        )
    townships = list(county.townships.values_list("pk", flat=True))
    rng = random.Random(50000)
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "建国秀英志强洋伟芳娜敏静丽军勇艳杰娟涛明超"
    now = datetime.now(tz=BJ).isoformat()
    buffer = io.StringIO()
    for i in range(officers):
        name = rng.choice(surnames) + rng.choice(given) + rng.choice(given)
        buffer.write(
            "\t".join(
                [
                    name,
                    pinyin_key(name),
                    f"15{i:09d}",
                    "",
                    str(county.pk),
                    str(rng.choice(townships)),
                    "frontline",
                    "",
                    "",
                    "",
                    "active",
                    now,
                    now,
                    str(i + 1),
                    f"{county.code}-{i + 1:04d}",
                ]
            )
            + "\n"
        )
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_from(
            buffer,
            "officers_officer",
            columns=(
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
        )
    ids = list(Officer.objects.filter(county=county).values_list("pk", flat=True))
    grades = ["qualified"] * 5 + ["rejected"] * 2 + ["county_adopted", "above_adopted", "pending"]
    buffer = io.StringIO()
    start = datetime(2026, 10, 1, tzinfo=BJ)
    for i in range(reports):
        submitted = start + timedelta(seconds=rng.randrange(31 * 86400))
        grade = rng.choice(grades)
        adopted = {"county_adopted": "基准县总工会", "above_adopted": "市总工会"}.get(grade, "")
        status = "submitted" if grade == "pending" else "reviewed"
        buffer.write(
            "\t".join(
                [
                    str(rng.choice(ids)),
                    str(county.pk),
                    f"基准信息{i}",
                    "内容",
                    "other",
                    "general",
                    submitted.isoformat(),
                    submitted.isoformat(),
                    status,
                    grade,
                    "t",
                    adopted,
                    "",
                    "",
                    "",
                    "",
                    "0",
                    now,
                    now,
                ]
            )
            + "\n"
        )
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_from(
            buffer,
            "reports_report",
            columns=(
                "officer_id",
                "county_id",
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
        )
        cursor.execute("ANALYZE officers_officer; ANALYZE reports_report;")
    return County.objects.get(pk=county.pk)


BASELINE_SQL = """
SELECT o.id, o.name, o.phone, COALESCE(e.name, ''), COALESCE(t.name, ''),
       COUNT(r.id) AS submitted,
       COUNT(r.id) FILTER (WHERE r.grade IN ('qualified', 'county_adopted', 'above_adopted')) AS valid,
       COUNT(r.id) FILTER (WHERE r.grade = 'county_adopted') AS county_adopted,
       COUNT(r.id) FILTER (WHERE r.grade = 'above_adopted') AS above_adopted
FROM officers_officer o
LEFT JOIN officers_township t ON t.id = o.township_id
LEFT JOIN officers_enterprise e ON e.id = o.employer_id
LEFT JOIN reports_report r ON r.officer_id = o.id AND r.submitted_at >= %s AND r.submitted_at < %s
     AND r.status IN ('submitted', 'returned', 'reviewed')
WHERE o.county_id = %s AND o.status = 'active'
GROUP BY o.id, o.name, o.phone, e.name, t.name, t.sort_key
ORDER BY t.sort_key NULLS LAST, o.sort_key, o.id
"""


def measure(label, func):
    """Time a clean run; then count queries and peak memory in a second run (tracemalloc slows
    Python down several times, so it must not be on while timing)."""
    from django.db import connection, reset_queries

    started = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - started
    reset_queries()
    connection.force_debug_cursor = True
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    return {
        "label": label,
        "seconds": round(elapsed, 3),
        "queries": queries,
        "peak_mib": round(peak / 2**20, 1),
        "result": result,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officers", type=int, default=50000)
    parser.add_argument("--reports", type=int, default=600000)
    parser.add_argument("--json", help="write the results here as JSON")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/unionportal_bench")
    ensure_database(url)

    import django

    django.setup()
    from django.db import connection
    from openpyxl import Workbook

    from reports import rules, selectors
    from reports.sheet_export import csv_stream, sheet_title, xlsx_file

    t0 = time.perf_counter()
    county = load(args.officers, args.reports)
    print(f"data ready in {time.perf_counter() - t0:.1f}s: {args.officers} officers, {args.reports} reports")
    start, end = rules.month_bounds(MONTH.year, MONTH.month)

    def portal_sheet():
        summary = selectors.sheet_summary(county=county, month=MONTH)
        return {"officers": len(summary.lines), "total": summary.total}

    def baseline_sql():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, [start, end, county.pk])
            rows = cursor.fetchall()
        total = 0
        for _, _, _, _, _, _, valid, county_adopted, above in rows:
            tier = rules.stipend_tier(valid=valid, county_adopted=county_adopted, above_adopted=above, quota=1)
            total += rules.stipend_amount(tier, {"qualified": 100, "good": 200, "excellent": 300})
        return {"officers": len(rows), "total": total}

    def portal_xlsx():
        lines = selectors.sheet_lines(county=county, month=MONTH)
        with xlsx_file(lines, title=sheet_title(county, MONTH), sheet_name="2026-10") as handle:
            return {"bytes": len(handle.read())}

    def portal_csv():
        size = 0
        for chunk in csv_stream(selectors.sheet_lines(county=county, month=MONTH)):
            size += len(chunk)
        return {"bytes": size}

    def baseline_openpyxl():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, [start, end, county.pk])
            book = Workbook(write_only=True)
            sheet = book.create_sheet("2026-10")
            sheet.append(["序号", "姓名", "手机号", "工作单位", "报送条数", "有效条数", "考核等级", "补助金额", "备注"])
            for i, row in enumerate(iter(lambda: cursor.fetchmany(2000), []), start=0):
                for j, (_, name, phone, employer, _, submitted, valid, _, _) in enumerate(row):
                    sheet.append([i * 2000 + j + 1, name, phone, employer, submitted, valid, "", 0, ""])
        with tempfile.TemporaryFile() as handle:
            book.save(handle)
            handle.seek(0)
            return {"bytes": len(handle.read())}

    for warm in (portal_sheet, baseline_sql):
        warm()  # warm the caches so both sides are measured alike
    results = [
        measure("portal: build the sheet (sheet_summary)", portal_sheet),
        measure("baseline: one SQL aggregate", baseline_sql),
        measure("portal: export xlsx (streamed)", portal_xlsx),
        measure("portal: export csv (streamed)", portal_csv),
        measure("baseline: raw openpyxl write-only", baseline_openpyxl),
    ]
    assert results[0]["result"] == results[1]["result"], (results[0]["result"], results[1]["result"])
    print(f"{'measure':45} {'queries':>7} {'seconds':>8} {'peak MiB':>9}")
    for r in results:
        print(f"{r['label']:45} {r['queries']:>7} {r['seconds']:>8.3f} {r['peak_mib']:>9.1f}")
    ratios = {
        "sheet_time_vs_sql": round(results[0]["seconds"] / results[1]["seconds"], 2),
        "xlsx_time_vs_openpyxl": round(results[2]["seconds"] / results[4]["seconds"], 2),
        "xlsx_memory_vs_openpyxl": round(results[2]["peak_mib"] / max(results[4]["peak_mib"], 0.1), 2),
    }
    print("ratios:", json.dumps(ratios))
    print("sheet:", json.dumps(results[0]["result"], ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "ratios": ratios}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
