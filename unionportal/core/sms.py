"""Text messages to officers' phones, behind one small interface (settings.SMS_BACKEND)."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("unionportal.core.sms")


class LoggingBackend:
    """Writes the message to the log instead of sending it: the default until a gateway is set.
    It keeps nothing in memory (tests capture with tests.sms.CapturingBackend)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def send_sms(phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, text)
