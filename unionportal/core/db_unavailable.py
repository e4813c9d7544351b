"""The database is down or restarting: answer 503 with a Chinese page, not a 500 or a 400.

Django turns an exception into a response at each middleware, so a middleware of ours never sees
the exceptions raised inside the others (the session and authentication middleware query the
database before any view runs; the session middleware saves after it). Two observers mark the
request instead, and this middleware, placed before the session middleware, swaps the error page
on the way out:

- ``got_request_exception``, sent for every exception that becomes a 500 (raised by a view or by
  any middleware), records a lost connection (OperationalError, InterfaceError, or any database error
  raised while the driver's connection broke under it);
- an execute wrapper records a query that failed that way even when Django converts the error into
  something else: the session middleware reports a failed session save as a 400 "Bad Request"
  (SessionInterrupted), after the view may have committed its work.

Django still logs the original error with its traceback (then "Service Unavailable: <path>"); the
browser gets templates/503.html, rendered without a request (no context processors: nothing here
touches the database).
"""

import sys
from contextlib import ExitStack

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
MARK = "_database_unavailable"


# SQLSTATEs of a connection that is gone: connection exceptions, and the server shutting down, crashing
# or starting up. A statement timeout (57014), a deadlock (40P01) or a serialization failure (40001)
# is an OperationalError too, but the database is there: those keep their own error page.
LOST_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def _is_lost_connection(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    # psycopg2 gives no SQLSTATE when the server never answered (refused, reset, closed).
    code = getattr(exc.__cause__, "pgcode", None)
    return code is None or code.startswith(LOST_SQLSTATES)


def raw_connection_broken(wrapper) -> bool:
    """Whether the driver's connection under ``wrapper`` was broken: psycopg2 marks it closed, or
    libpq already knows it is bad (``info.status``, libpq's PQstatus: 0 is CONNECTION_OK) where
    psycopg2 has not marked it yet."""
    raw = getattr(wrapper, "connection", None)
    if raw is None:
        return False
    return bool(getattr(raw, "closed", 0)) or bool(getattr(getattr(raw, "info", None), "status", 0))


def _a_database_unreachable() -> bool:
    """For a bare DatabaseError (the driver's "no message from the libpq", no SQLSTATE) on a
    connection that neither psycopg2 nor libpq has marked yet: ask the server ("SELECT 1"). Only on
    the way to an error page, so a working database costs a request nothing."""
    return any(
        wrapper.connection is not None and not wrapper.is_usable() for wrapper in connections.all(initialized_only=True)
    )


def _a_connection_broken() -> bool:
    """Whether any database connection of this thread was broken under it. Then whatever error the
    driver raised (a DatabaseError "no message from the libpq" while a result was being read, when
    the server went down in the middle of it), the database went away."""
    return any(raw_connection_broken(wrapper) for wrapper in connections.all(initialized_only=True))


def _caused_by_lost_database(exc: BaseException | None) -> bool:
    seen, database_error, bare = set(), False, False
    while exc is not None and id(exc) not in seen:
        if _is_lost_connection(exc):
            return True
        database_error = database_error or isinstance(exc, DatabaseError)
        bare = bare or type(exc) is DatabaseError  # not an IntegrityError, a DataError, ...: the driver's own
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return database_error and (_a_connection_broken() or (bare and _a_database_unreachable()))


@receiver(got_request_exception, dispatch_uid="unionportal.core.db_unavailable")
def _mark_request(sender, request=None, **kwargs):
    if request is not None and _caused_by_lost_database(sys.exc_info()[1]):
        setattr(request, MARK, True)


class _QueryWatch:
    def __init__(self, request):
        self.request = request

    def __call__(self, execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except DatabaseError as exc:
            if _is_lost_connection(exc) or raw_connection_broken(context["connection"]):
                setattr(self.request, MARK, True)
            raise


def unavailable_response() -> HttpResponse:
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


# The page loads nothing; used when the error was raised before the portal's own headers were set.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
}


class DatabaseUnavailableMiddleware:
    """Before SessionMiddleware (after SecurityMiddleware, which adds its headers to the 503): it sees
    the response of every middleware that may query the database, and of the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with ExitStack() as stack:
            watch = _QueryWatch(request)
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(watch))
            response = self.get_response(request)
        if response.status_code not in (400, 500) or not getattr(request, MARK, False) or settings.DEBUG:
            return response
        replacement = unavailable_response()
        # Keep what the other middleware added (security headers, Vary, cookies), not the body's headers.
        for header, value in response.items():
            if header.lower() not in ("content-type", "content-length", "cache-control", "expires", "retry-after"):
                replacement.headers.setdefault(header, value)
        for header, value in PAGE_HEADERS.items():
            replacement.headers.setdefault(header, value)
        replacement.cookies = response.cookies
        return replacement
