"""full_clean() with every check constraint of a model asked in one query.

Django validates each CheckConstraint with a query of its own and, inside a transaction (every
service runs in one), a savepoint of its own: three round trips per constraint. A report has eight,
so submitting one cost 24 of its 40 queries. The mixin below asks the database about all of them in
one SELECT (in one savepoint) and raises the same errors; other constraints (unique ones) are
validated exactly as Django does.

It leans on two private pieces of Django (``Model._get_field_expression_map`` and ``Query(None)``, as
``CheckConstraint.validate`` itself does). It is kept because tests/core/test_constraints.py pins its
behaviour to Django's own ``validate()`` for every kind of constraint the models use: a Django upgrade
that changes either piece fails those tests rather than the portal.
"""

import logging
from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.db.models import BooleanField, CheckConstraint, ExpressionWrapper, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

logger = logging.getLogger(__name__)


def failed_checks(instance, checks: list[CheckConstraint], *, exclude=None, using) -> list[CheckConstraint]:
    """The constraints among ``checks`` that ``instance`` violates, from one query. A constraint that
    reads an excluded field is skipped, as Django skips it."""
    against = instance._get_field_expression_map(meta=instance._meta, exclude=exclude)
    query = Query(None)
    for name, value in against.items():
        query.add_annotation(value if hasattr(value, "resolve_expression") else Value(value), name, select=False)
    asked = []
    for constraint in checks:
        # NULL passes a CHECK constraint, as in the database.
        condition = Coalesce(
            ExpressionWrapper(Q(constraint.condition), output_field=BooleanField()),
            Value(True),
            output_field=BooleanField(),
        )
        try:
            query.add_annotation(condition, f"_check_{len(asked)}")
        except FieldError:
            continue
        asked.append(constraint)
    if not asked:
        return []
    connection = connections[using]
    # A failing query must not break the caller's transaction: one savepoint for all of them.
    atomic = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    try:
        with atomic:
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError as exc:
        # Ask them one by one as Django does, so one that the database cannot evaluate skips only itself.
        logger.warning("Could not check the constraints of %r together: %s", instance, exc)
        failed = []
        for constraint in asked:
            try:
                constraint.validate(type(instance), instance, exclude=exclude, using=using)
            except ValidationError:
                failed.append(constraint)
        return failed
    return [constraint for constraint, passed in zip(asked, row, strict=True) if not passed]


class CheckConstraintsInOneQuery:
    """Model mixin (before models.Model in the bases): one query for all CheckConstraints."""

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        errors = {}
        checks = []
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                if isinstance(constraint, CheckConstraint) and model_class is self.__class__:
                    checks.append(constraint)
                    continue
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as exc:
                    if getattr(exc, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(exc)
                    else:
                        errors = exc.update_error_dict(errors)
        for constraint in failed_checks(self, checks, exclude=exclude, using=using):
            exc = ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
