"""Masking personal data for people who need not see it whole."""


def mask_phone(phone: str) -> str:
    """138****0001: lists show phones masked to everyone but admins."""
    if len(phone) != 11:
        return phone
    return f"{phone[:3]}****{phone[7:]}"
