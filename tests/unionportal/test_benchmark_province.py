"""benchmarks/province.py's unit tree and forwarded items, loaded with COPY as at scale, on a small
province: the rows must satisfy the models' constraints and the pages must read them."""

import sys
from datetime import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from officers.models import County, Region
from reports.models import ForwardedItem
from tests.factories import CountyFactory, OfficerFactory, RegionalReviewerFactory, ReportFactory
from unionportal.core.clock import BEIJING

pytestmark = pytest.mark.django_db
OCTOBER = datetime(2026, 10, 15, 10, 0, tzinfo=BEIJING)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import province  # noqa: E402  (the benchmark is a script beside the project, not a package)


def test_the_unit_tree_and_the_forwards_load_and_read(client, monkeypatch):
    monkeypatch.setattr(province, "FORWARD_ONE_IN", 1)
    monkeypatch.setattr(province, "ON_ONE_IN", 1)
    counties = [CountyFactory(code=f"{330100 + i:06d}", name=f"测试{i}县") for i in range(3)]
    for county in counties:
        for _ in range(2):
            ReportFactory(officer=OfficerFactory(county=county), submitted_at=OCTOBER, occurred_at=OCTOBER)
    province.load_units()
    province.load_units()  # idempotent
    assert Region.objects.filter(level="province").count() == 1 and Region.objects.filter(level="city").count() == 13
    assert County.objects.filter(region__isnull=False).count() == 3
    firsts = ForwardedItem.objects.filter(from_region__isnull=True)
    assert firsts.count() == 6
    # every pending first forward went on (ON_ONE_IN = 1); a third were refused by the city
    refused = firsts.filter(status="refused").count()
    assert refused == 2
    assert ForwardedItem.objects.filter(to_region__code=province.PROVINCE).count() == 6 - refused
    assert set(firsts.values_list("officer_code", flat=True)) <= {
        code for county in counties for code in county.officers.values_list("code", flat=True)
    }
    city = Region.objects.get(code=province.CITIES[0])
    client.force_login(RegionalReviewerFactory(region=city))
    assert client.get(reverse("reports:forwarded_queue")).status_code == 200
    client.force_login(RegionalReviewerFactory(region=Region.objects.get(code=province.PROVINCE)))
    response = client.get(reverse("dashboard"), {"year": "2026"})
    assert response.status_code == 200
    assert response.context["r"]["totals"]["forwarded"] == 6
