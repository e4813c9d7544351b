"""benchmarks/load.py's figures: the median of each page's rounds, its ratios to the references measured
in the same run, and which pages are above the issue's figure (twice the floor) and above the one
proposed instead (1.5× the least ORM list)."""

import pytest

from benchmarks import load


def run(p50, p95=None, rps=100.0, errors=0, non2xx=0):
    return {"p50": p50, "p95": p95 or p50 * 1.5, "rps": rps, "errors": errors, "non2xx": non2xx}


def test_each_figure_is_the_median_of_its_rounds_and_errors_add_up():
    summary = load.summarise({"review queue": [run(30.0, rps=90), run(50.0, errors=1), run(40.0, non2xx=2)]})
    assert summary["review queue"] == {
        "p50": 40.0,
        "p95": 60.0,
        "rps": 100.0,
        "errors": 3,
        "p50_low": 30.0,
        "p50_high": 50.0,
    }


def measured(**pages):
    return load.summarise({name: [run(p50)] for name, p50 in pages.items()})


@pytest.mark.parametrize(
    ("floor", "least", "page", "over_floor", "over_least"),
    [
        (10.0, 40.0, 19.9, "none", "none"),  # within both
        (10.0, 40.0, 20.0, "none", "none"),  # twice the floor is within the figure
        (10.0, 40.0, 20.1, "report detail", "none"),
        (10.0, 40.0, 60.0, "report detail", "none"),  # 1.5× the least ORM list is within
        (10.0, 40.0, 60.1, "report detail", "report detail"),
    ],
)
def test_the_pages_above_each_figure(floor, least, page, over_floor, over_least):
    summary = measured(
        **{
            load.BASELINE: 4.0,
            load.FLOOR: floor,
            "report detail": page,
            load.LIST_ORM: least,
            load.LIST_SQL: 30.0,  # a reference above twice the floor is never counted
        }
    )
    assert load.verdict(summary) == [
        f"floor ÷ healthz at p50: {floor / 4.0:.2f} (aim ≤ 2)",
        f"pages above 2× the floor at p50: {over_floor}",
        f"pages above 1.5× the least ORM list at p50: {over_least}",
    ]


def test_a_run_without_the_least_list_says_nothing_of_it():
    summary = measured(**{load.BASELINE: 4.0, load.FLOOR: 8.0, "events": 40.0})
    assert load.ratios(summary)["events"] == {"healthz": 10.0, "healthz_p95": 10.0, "floor": 5.0, "least_orm": None}
    assert load.verdict(summary) == [
        "floor ÷ healthz at p50: 2.00 (aim ≤ 2)",
        "pages above 2× the floor at p50: events",
    ]
    lines = load.table(summary, {load.BASELINE: 1, load.FLOOR: 1, "events": 3})
    assert lines[3].split() == ["events", "3", "40.0", "40.0–40.0", "60.0", "100.0", "10.0", "10.0", "5.0", "—", "0"]
