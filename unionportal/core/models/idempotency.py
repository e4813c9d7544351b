"""One-time submission keys: a form that creates something is created once per key."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SubmissionKey(models.Model):
    """A key claimed by the first submission of a form (or an offline client's own UUID).

    Written by ``core.idempotency`` only, in the transaction that creates the result, so a committed
    key always names what its first submission made. A second submission with the same key finds
    the row and is shown that first result instead of creating again."""

    key = models.UUIDField("提交令牌", unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="提交人"
    )
    # What the key was for (the form's URL name): a key is good for one kind of form only.
    purpose = models.CharField("表单", max_length=60)
    # The first result, by label and key (core knows no app), and the page that shows it.
    result_label = models.CharField("结果类型", max_length=60, blank=True)
    result_pk = models.CharField("结果编号", max_length=40, blank=True)
    result_url = models.CharField("结果页面", max_length=300, blank=True)
    created_at = models.DateTimeField("提交时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "表单提交令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.purpose} {self.key}"
