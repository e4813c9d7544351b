"""An SMS backend for tests: keeps what would have gone out, in memory, for the test to read.
Test settings point SMS_BACKEND here; the production default only logs (and keeps nothing)."""


class CapturingBackend:
    sent: list = []

    def send(self, phone: str, text: str) -> None:
        CapturingBackend.sent.append((phone, text))
