"""The audit log. Any app writes to it through the standard `audit` logger:

    logging.getLogger("audit").info("说明", extra={"kind": "import", "user": user, "request": request})

(with the request, the handler records the client address as portal/client_address.py reads it)

so apps below the portal need not import it; the handler here (installed in settings'
LOGGING) stores each record as a portal.models.AuditEvent. Logins come from auth signals."""

import logging

from .client_address import client_ip

logger = logging.getLogger("audit")


def record(kind, *, request=None, user=None, username="", detail=""):
    """Log one event; `user` defaults to the request's authenticated user."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    logger.info(
        detail, extra={"kind": kind, "user": user, "username": username, "ip": client_ip(request)}
    )


class AuditDatabaseHandler(logging.Handler):
    """Stores `audit` log records as AuditEvent rows."""

    def emit(self, record):
        from .models import AuditEvent  # logging is configured before the apps are ready

        try:
            user = getattr(record, "user", None)
            AuditEvent.objects.create(
                kind=getattr(record, "kind", "") or "other",
                user=user if getattr(user, "pk", None) else None,
                username=getattr(record, "username", "")
                or (user.get_username() if user is not None else ""),
                # Records from the apps carry the request: the client's address behind proxies.
                ip=getattr(record, "ip", None) or client_ip(getattr(record, "request", None)),
                detail=record.getMessage(),
            )
        except Exception:  # the audit log must never break the request it records
            self.handleError(record)


def on_login(sender, request, user, **kwargs):
    record("login", request=request, user=user, detail="登录成功")


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record("logout", request=request, user=user, detail="退出登录")


def on_login_failed(sender, credentials, request=None, **kwargs):
    record(
        "login_failed", request=request, username=credentials.get("username", ""), detail="登录失败"
    )


def on_locked_out(sender, request, username, ip_address, **kwargs):
    """django-axes locked a user name or an address out after too many failed logins."""
    record(
        "lockout",
        request=request,
        username=username or "",
        detail=f"登录失败次数过多，已锁定（用户名“{username or '—'}”，地址 {ip_address or '—'}）",
    )
