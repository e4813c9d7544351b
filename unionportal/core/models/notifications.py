"""The in-app bell (站内通知)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..bell import bell_forget


class NotificationQuerySet(models.QuerySet):
    """Every write through it forgets the bell counts it changes (``unionportal.core.bell``)."""

    _recipients = None  # the one recipient a queryset is known to be limited to (visible_to)

    def _clone(self):
        clone = super()._clone()
        clone._recipients = self._recipients
        return clone

    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        qs = self.filter(recipient=user)
        qs._recipients = [user.pk]
        return qs

    def _affected(self) -> list:
        if self._recipients is not None:
            return self._recipients
        return list(self.values_list("recipient_id", flat=True).distinct())

    def update(self, **kwargs):
        recipients = self._affected()
        count = super().update(**kwargs)
        if count:
            bell_forget(recipients)
        return count

    update.alters_data = True

    def delete(self):
        recipients = self._affected()
        result = super().delete()
        bell_forget(recipients)
        return result

    delete.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        bell_forget(obj.recipient_id for obj in created)
        return created

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Kind(models.TextChoices):
        EMERGENCY = "emergency", "突发信息"
        GRADED = "graded", "审核结果"
        RETURNED = "returned", "退回修改"
        REMINDER = "reminder", "提醒"
        SUMMARY = "summary", "月度分析研判"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name="接收人"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    # The report a notice is about, declared by label (core imports no app): opening the report
    # marks its notices read.
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "reports_notification"  # kept from before core existed, so no row moves
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        bell_forget([self.recipient_id])  # the cache of the bell's count, not a rule

    def delete(self, *args, **kwargs):
        recipient_id = self.recipient_id
        result = super().delete(*args, **kwargs)
        bell_forget([recipient_id])
        return result
