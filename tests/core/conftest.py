# The outbox is told through reports and reminders: the same people as the reports tests.
from tests.reports.conftest import county_admin, foreign_reviewer, officer, other_officer, reviewer, township  # noqa: F401
