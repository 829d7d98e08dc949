"""Write audit events (portal.models.AuditEvent) and mirror them to the `audit` logger."""

import logging

from .models import AuditEvent

logger = logging.getLogger("audit")


def client_ip(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(kind, *, request=None, user=None, username="", detail=""):
    """Record one event; `user` defaults to the request's authenticated user."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    username = username or (user.get_username() if user is not None else "")
    AuditEvent.objects.create(
        kind=kind, user=user, username=username, ip=client_ip(request), detail=detail
    )
    logger.info("%s user=%s ip=%s %s", kind, username, client_ip(request), detail)


def on_login(sender, request, user, **kwargs):
    record(AuditEvent.Kind.LOGIN, request=request, user=user)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEvent.Kind.LOGOUT, request=request, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    record(AuditEvent.Kind.LOGIN_FAILED, request=request, username=credentials.get("username", ""))
