"""Writes to the registry, one module per concern: each a function with keyword arguments, one
transaction, full_clean(). ``from officers import services`` still reaches every one."""

from .accounts import (  # noqa: F401
    password_change,
    password_changed,
    password_history_checked,
    password_reuse_problem,
    remember_own_password,
)
from .officer import (  # noqa: F401
    STATUS_LABELS,
    officer_change_status,
    officer_save,
    officer_serials_reserve,
    officer_set_password,
    phone_account_problem,
    phone_holder_problem,
    vetting_note_add,
)
from .registry import (  # noqa: F401
    county_upsert,
    enterprise_new,
    enterprise_pick,
    enterprise_resolve,
    region_upsert,
    staff_upsert,
)
from .training import (  # noqa: F401
    SIGN_IN_CODE_FAILURES,
    SIGN_IN_FAILURE_WINDOW,
    SIGN_IN_INVALID,
    SIGN_IN_MINUTES,
    SIGN_IN_OFFICER_FAILURES,
    activity_create,
    attendance_mark,
    commendation_add,
    guidance_record,
    sign_in,
    sign_in_code_issue,
)
