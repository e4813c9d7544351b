from django import template

from officers.rules import mask_phone

register = template.Library()


@register.filter
def phone_for(phone, user):
    """Lists show phones masked (138****0001) to everyone but admins."""
    return phone if getattr(user, "is_portal_admin", False) else mask_phone(phone or "")
