"""An error's reference (错误编号): shown on the 500 page and written into the log lines of the same
request, so that an operator told "错误编号 3F9A0C21" by a user finds that error's traceback among a
busy day's, and a drill finds the traceback of the answer that failed among several workers' lines."""

import logging
import secrets

ATTRIBUTE = "error_reference"


def error_reference(request) -> str:
    """The request's reference: eight hexadecimal digits, made the first time it is asked for."""
    reference = getattr(request, ATTRIBUTE, None)
    if reference is None:
        reference = secrets.token_hex(4).upper()
        setattr(request, ATTRIBUTE, reference)
    return reference


class ErrorReferenceFilter(logging.Filter):
    """On the ``django.request`` logger: a line about a request that was given a reference (its error
    page was shown) ends with " [错误编号 …]". Django logs that line after the handler of the 500 made
    the page, and again for the 503 that page may become (core.db_unavailable)."""

    def filter(self, record: logging.LogRecord) -> bool:
        reference = getattr(getattr(record, "request", None), ATTRIBUTE, None)
        # Django's lines are "%s: %s" with a tuple of two; anything else is left as it is.
        if reference and isinstance(record.args, tuple) and record.args and not hasattr(record, ATTRIBUTE):
            record.msg = f"{record.msg} [错误编号 %s]"
            record.args = (*record.args, reference)
            setattr(record, ATTRIBUTE, reference)
        return True
