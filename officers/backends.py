"""The login backend: Django's, with the account's officer and county (and the region above the
county) loaded in the same query as the user on every request, so the scoping rule, the context
processors and the views that ask for ``request.user.officer`` or ``request.user.county`` cost no
query more. The user is still read from the database on each request: a deactivation or a role
change takes effect on the next one.

That one query is compiled once per process: Django builds the SQL of a ``select_related`` of four
relations anew on every request, which cost more than running it (a fifth of a signed-in page with
nothing on it). The SQL and the row-to-object steps (Django's own ``from_db`` and related
populators, as its ``ModelIterable`` uses them) are kept, and each request only runs the SQL.

On PostgreSQL the server keeps it too: the first request on a connection sends ``PREPARE`` with
its ``EXECUTE`` (one round trip, one query), later ones only ``EXECUTE``, so the four-table join is
not planned again on every request (planning was two thirds of the query's time on the server). A
connection through a transaction-pooling PgBouncer (Django's ``DISABLE_SERVER_SIDE_CURSORS``) may
not find a statement prepared on another backend, so there the SQL is sent whole, as it is after
any error on the prepared path (that connection then sends it whole until it is replaced; outside a
transaction the failed request itself is answered with it)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import DatabaseError, Error, connections, router
from django.db.models.query import get_related_populators

from unionportal.core.db_unavailable import raw_connection_broken

# The account's units (the county with the region above it; a region where the model has one) and its
# officer. The county's region is what a county's report page names as the unit above (上报) and what
# the scoping rule reads for the publications that reach the county from above.
RELATED = ("officer", "county", "county__region", "region")
_PROBE = 0  # the id the query is compiled with; the one parameter of the kept SQL
STATEMENT = "portal_user_with_units"  # the prepared statement's name on a PostgreSQL connection


def _related(model) -> list[str]:
    names = {f.name for f in model._meta.get_fields() if f.is_relation and (f.one_to_one or f.many_to_one)}
    return [path for path in RELATED if path.split("__")[0] in names]


class CompiledUserQuery:
    """``SELECT user, officer, county, its region, region WHERE user.id = %s``, compiled once."""

    def __init__(self, model, db: str):
        queryset = model._default_manager.using(db).select_related(*_related(model)).filter(pk=_PROBE)
        compiler = queryset.query.get_compiler(using=db)
        self.sql, params = compiler.as_sql()
        if list(params) != [_PROBE]:
            raise ValueError(f"the user query has parameters other than the id: {params!r}")
        select, klass_info = compiler.select, compiler.klass_info
        self.db, self.model, self.compiler = db, klass_info["model"], compiler
        self.converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, db)
        # "%s" is the id's one placeholder; a literal "%" is "%%" in Django's SQL and stays so, as
        # the driver reads it in the combined PREPARE and EXECUTE.
        self.prepare_sql = f"PREPARE {STATEMENT} AS {self.sql.replace('%s', '$1')}; EXECUTE {STATEMENT}(%s)"
        self.execute_sql = f"EXECUTE {STATEMENT}(%s)"

    @staticmethod
    def statement_for(wrapper) -> str:
        """What to send on ``wrapper``'s connection: "plain" (the kept SQL whole), "prepare"
        (PREPARE with EXECUTE) or "execute". What a connection holds is remembered against its
        driver connection, so a reconnection (another driver connection) prepares again."""
        if wrapper.vendor != "postgresql" or wrapper.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
            return "plain"
        raw, state = getattr(wrapper, "_portal_user_statement", (None, None))
        if raw is not wrapper.connection:
            return "prepare"
        return "execute" if state == "prepared" else "plain"

    def get(self, pk):
        wrapper = connections[self.db]
        # With CONN_HEALTH_CHECKS, Django sends "SELECT 1" before a request's first query on a kept
        # connection, and replaces the connection if that fails. This query is usually a request's
        # first, and a read, so it does the check itself: only when it fails on a connection that is
        # no longer usable is the connection replaced and the query sent again, as the check would
        # have done. A round trip less on every signed-in request.
        checking = wrapper.connection is not None and wrapper.health_check_enabled and not wrapper.health_check_done
        if checking:
            wrapper.health_check_done = True
        try:
            return self._get(wrapper, pk)
        except Error:  # an OperationalError, or an InterfaceError on a connection already closed
            if not checking or wrapper.in_atomic_block or _usable(wrapper):
                raise
            wrapper.close()
            return self._get(wrapper, pk)

    def _get(self, wrapper, pk):
        with wrapper.cursor() as cursor:
            kind = self.statement_for(wrapper)
            try:
                cursor.execute(
                    {"plain": self.sql, "prepare": self.prepare_sql, "execute": self.execute_sql}[kind], [pk]
                )
                row = cursor.fetchone()
            except DatabaseError:
                if kind == "plain" or raw_connection_broken(wrapper):
                    raise  # a lost connection is not a lost statement
                # The statement went missing or stale under this connection (a pooler, a DISCARD, a
                # migration changing the table): it sends the SQL whole from now on, and outside a
                # transaction (a request's sign-in check) this request does so at once.
                wrapper._portal_user_statement = (wrapper.connection, "plain")
                if wrapper.in_atomic_block or wrapper.connection is None:
                    raise
                cursor.execute(self.sql, [pk])
                row = cursor.fetchone()
            if kind == "prepare":
                wrapper._portal_user_statement = (wrapper.connection, "prepared")
        if row is None:
            return None
        if self.converters:
            row = next(iter(self.compiler.apply_converters([row], self.converters)))
        user = self.model.from_db(self.db, self.init_list, row[self.start : self.end])
        for populator in self.populators:
            populator.populate(row, user)
        return user


def _usable(wrapper) -> bool:
    return wrapper.connection is not None and wrapper.is_usable()


_compiled: dict[tuple, CompiledUserQuery] = {}


def user_with_units(user_id):
    """The user of ``user_id`` with their officer, county and region, or None."""
    model = get_user_model()
    db = router.db_for_read(model)
    key = (model, db, connections[db].vendor)
    query = _compiled.get(key)
    if query is None:
        query = _compiled[key] = CompiledUserQuery(model, db)
    return query.get(user_id)


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_with_units(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
