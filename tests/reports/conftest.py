import pytest

from tests.factories import AdminFactory, OfficerFactory, ReviewerFactory, TownshipFactory


@pytest.fixture
def township(county):
    return TownshipFactory(county=county, name="东坎街道")


@pytest.fixture
def officer(county, township):
    return OfficerFactory(county=county, township=township, name="刘洋", phone="13815110004")


@pytest.fixture
def other_officer(county):
    return OfficerFactory(county=county, name="赵敏", phone="13815110005")


@pytest.fixture
def reviewer(county):
    return ReviewerFactory(county=county, username="13900000002", full_name="陈审核", email="chen@example.org")


@pytest.fixture
def county_admin(county):
    return AdminFactory(county=county, username="13900000001", full_name="周管理", email="")


@pytest.fixture
def foreign_reviewer(other_county):
    return ReviewerFactory(county=other_county, username="13900000003", full_name="外县审核", email="w@example.org")
