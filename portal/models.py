"""Site-wide records: the audit log of events that are not changes to a record (those are
in each model's history): logins, failed logins, imports, exports, workflow steps."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("登录成功")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("登录锁定")
        LOGOUT = "logout", _("退出登录")
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")
        STATUS = "status", _("状态变更")
        NOTICE = "notice", _("邮件通知")
        OTHER = "other", _("其他")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    username = models.CharField(
        _("用户名"), max_length=150, blank=True, help_text=_("登录失败时为尝试的用户名。")
    )
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    detail = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"


class LoginLock(AccessAttempt):
    """django-axes' count of failed logins per user name and address, under a Chinese name
    in the back office; deleting a row unlocks that user name or address."""

    class Meta:
        proxy = True
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败与锁定")
