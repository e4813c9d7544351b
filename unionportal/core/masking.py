"""Masking personal data for people who need not see it whole."""


def mask_phone(phone: str) -> str:
    """138****0001: lists show phones masked to everyone but admins."""
    if len(phone) != 11:
        return phone
    return f"{phone[:3]}****{phone[7:]}"


def mask_secret(secret: str) -> str:
    """••••a1b2: a key or secret is shown only as set or not, with its last four characters."""
    if not secret:
        return ""
    return f"••••{secret[-4:]}" if len(secret) > 8 else "••••"


def mask_url(url: str) -> str:
    """A webhook or gateway address with its query values (key, access_token) masked."""
    from_query = url.partition("?")
    if not from_query[1]:
        return url
    masked = "&".join(
        f"{name}={mask_secret(value)}" if sep else name
        for name, sep, value in (pair.partition("=") for pair in from_query[2].split("&"))
    )
    return f"{from_query[0]}?{masked}"
