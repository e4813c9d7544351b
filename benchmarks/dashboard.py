"""Benchmark: the county dashboard at provincial scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_bench \\
        .venv/bin/python benchmarks/dashboard.py [--officers 50000] [--reports 600000]

Uses the data of stipend_sheet.py (loaded on first use). Measures `unionportal.overview.dashboard.dashboard` for a
province-wide superuser (every figure of the page) against a baseline measured in the same run: one
SQL aggregate of the reports per month. Reports SQL queries and wall time; no assertion on time.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings.local")
os.environ.setdefault("DEBUG", "false")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officers", type=int, default=50000)
    parser.add_argument("--reports", type=int, default=600000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database")
    import stipend_sheet

    stipend_sheet.ensure_database(url)
    import django

    django.setup()
    from django.db import connection, reset_queries

    from officers.models import User
    from unionportal.overview.dashboard import dashboard

    county = stipend_sheet.load(args.officers, args.reports)
    user, _ = User.objects.get_or_create(username="bench-superuser", defaults={"is_superuser": True, "role": "admin"})

    def portal():
        return dashboard(user=user, year=2026)["reports"]["total"]

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT date_part('month', submitted_at AT TIME ZONE 'Asia/Shanghai') m, COUNT(*) FROM reports_report "
                "WHERE submitted_at >= '2026-01-01T00:00:00+08:00' AND submitted_at < '2027-01-01T00:00:00+08:00' "
                "AND status IN ('submitted', 'returned', 'reviewed') GROUP BY m"
            )
            return sum(n for _, n in cursor.fetchall())

    results = {}
    for name, func in (("portal: the whole dashboard", portal), ("baseline: reports per month (SQL)", baseline)):
        func()  # warm up
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            value = func()
            times.append(time.perf_counter() - started)
        reset_queries()
        connection.force_debug_cursor = True
        func()
        queries = len(connection.queries)
        connection.force_debug_cursor = False
        results[name] = (min(times), queries, value)
    print(f"county {county.name}: {args.officers} officers, {args.reports} reports")
    print(f"{'measure':40} {'queries':>7} {'best s':>8} {'reports':>8}")
    for name, (best, queries, value) in results.items():
        print(f"{name:40} {queries:>7} {best:>8.3f} {value:>8}")
    portal_time = results["portal: the whole dashboard"][0]
    base_time = results["baseline: reports per month (SQL)"][0]
    print(f"ratio dashboard / baseline: {portal_time / base_time:.2f}")


if __name__ == "__main__":
    main()
