"""The login backend: Django's, with the account's officer and county loaded in the same query as
the user on every request, so the scoping rule, the context processors and the views that ask for
``request.user.officer`` or ``request.user.county`` cost no query more. The user is still read from
the database on each request: a deactivation or a role change takes effect on the next one."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

# The account's units (the county; a region above it where the model has one) and its officer.
RELATED = ("officer", "county", "region")


def _related(model) -> list[str]:
    names = {f.name for f in model._meta.get_fields() if f.is_relation and (f.one_to_one or f.many_to_one)}
    return [name for name in RELATED if name in names]


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related(*_related(model)).get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
