"""Text messages to officers' phones, behind one small interface (settings.SMS_BACKEND)."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("unionportal.core.sms")


class LoggingBackend:
    """Writes the message to the log instead of sending it: the default until a gateway is set."""

    sent: list = []  # kept for tests and for looking at what would have gone out

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)
        LoggingBackend.sent.append((phone, text))


def send_sms(phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, text)
