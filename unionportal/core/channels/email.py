"""Email, as before: Django's mail backend (SMTP in production). Its failures are smtplib's, which
the outbox's rule already sorts (4xx and lost connections transient, the rest final)."""

from django.core.mail import send_mail as django_send_mail


class EmailBackend:
    def __init__(self, send_mail=django_send_mail):
        self.send_mail = send_mail

    def send(self, message) -> str:
        self.send_mail(message.title, message.body, None, [message.address])
        return "邮件已交给邮件服务器"
