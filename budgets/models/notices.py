"""Notices e-mailed to a department's contact persons (budgets/notices.py sends them)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .disclosure import Disclosure


class Notice(models.Model):
    """One e-mail notice about one disclosure: a workflow step or a deadline reminder."""

    class Kind(models.TextChoices):
        RETURNED = "returned", _("退回修改")
        APPROVED = "approved", _("审核通过")
        PUBLISHED = "published", _("已公开")
        REMINDER = "reminder", _("公开期限提醒")

    disclosure = models.ForeignKey(
        Disclosure, verbose_name=_("公开文件"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("通知类型"), max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    sent_on = models.DateField(_("发送日期"), default=timezone.localdate)
    recipients = models.TextField(_("收件人"), blank=True, help_text=_("多个地址以逗号分隔。"))
    subject = models.CharField(_("标题"), max_length=200)

    class Meta:
        verbose_name = _("邮件通知")
        verbose_name_plural = _("邮件通知")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            # The daily reminder command may run twice a day: one reminder per day at most.
            models.UniqueConstraint(
                fields=["disclosure", "sent_on"],
                condition=models.Q(kind="reminder"),
                name="notice_one_reminder_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.disclosure} · {self.get_kind_display()} · {self.sent_on:%Y-%m-%d}"
