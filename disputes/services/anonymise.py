"""PIPL: when an officer is anonymised (reports.services.anonymise), their name and phone leave the
dispute cases too: a case made from their report copied its text into 案情, and its follow-ups may
name them. Registered in DisputesConfig.ready."""

from django.db.models import Q

from reports.services.anonymise import scrub_text

from ..models import DisputeCase, FollowUp


def case_texts_scrub(*, officer, name: str, phone: str) -> int:
    """Scrub 案情 of the cases that came from ``officer``'s reports or that they handled, and those
    cases' follow-ups (跟进情况, 下一步). Returns how many rows changed."""
    mine = Q(reports__officer=officer)
    if officer.user_id:
        mine |= Q(handlers=officer.user_id)
    case_ids = set(DisputeCase.objects.filter(mine).values_list("pk", flat=True))
    changed = 0
    for case in DisputeCase.objects.filter(pk__in=case_ids).exclude(description=""):
        scrubbed = scrub_text(case.description, name=name, phone=phone)
        if scrubbed != case.description:
            changed += DisputeCase.objects.filter(pk=case.pk).update(description=scrubbed)
    for follow_up in FollowUp.objects.filter(case_id__in=case_ids):
        action = scrub_text(follow_up.action, name=name, phone=phone)
        next_step = scrub_text(follow_up.next_step, name=name, phone=phone)[
            : FollowUp._meta.get_field("next_step").max_length
        ]
        if (action, next_step) != (follow_up.action, follow_up.next_step):
            changed += FollowUp.objects.filter(pk=follow_up.pk).update(action=action, next_step=next_step)
    return changed
