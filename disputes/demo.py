"""A demo dispute case: in mediation past its 15-day deadline with the worker not yet told (a red or
yellow supervision item for its handler), an orange risk level, and a payment recovered."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from officers.models import Enterprise
from reports.services import risk_level_set

from .models import DisputeCase
from .services import case_move, case_register, outcome_add


@transaction.atomic
def seed_demo_cases(county) -> int:
    if DisputeCase.objects.filter(county=county).exists():
        return 0
    User = get_user_model()
    reviewer = User.objects.filter(county=county, role=User.Role.REVIEWER).order_by("pk").first()
    enterprise = Enterprise.objects.filter(county=county).order_by("pk").first()
    if reviewer is None or enterprise is None:
        return 0
    today = timezone.localdate()
    case = case_register(
        county=county,
        actor=reviewer,
        dispute_type="wage_arrears",
        workers_involved=12,
        enterprise=enterprise,
        amount_claimed=Decimal("86000"),
        description="演示：12名职工反映企业拖欠两个月工资。",
        registered_on=today - timedelta(days=25),
    )
    # accepted 20 days ago: the 15-day deadline ran out 5 days ago, untold → a supervision item
    case = case_move(case=case, to_status="mediating", actor=reviewer, on=today - timedelta(days=20))
    risk_level_set(subject=case, level="orange", reason="演示：涉及人数较多，企业经营困难", actor=reviewer)
    outcome_add(case=case, actor=reviewer, kind="wages", amount=Decimal("20000"), received_on=today - timedelta(days=3))
    return 1
