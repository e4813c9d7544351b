import pytest

from tests.factories import AdminFactory, EnterpriseFactory, OfficerFactory, ReviewerFactory, TownshipFactory


@pytest.fixture
def township(county):
    return TownshipFactory(county=county, name="东坎街道")


@pytest.fixture
def textile(county, township):
    return EnterpriseFactory(county=county, name="滨海华强纺织有限公司", township=township)


@pytest.fixture
def reviewer(county):
    return ReviewerFactory(county=county, full_name="陈审核")


@pytest.fixture
def county_admin(county):
    return AdminFactory(county=county, full_name="周管理")


@pytest.fixture
def officer(county, township):
    return OfficerFactory(county=county, township=township, name="李秀英", phone="13815110002")
