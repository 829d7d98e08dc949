"""The client's network address, for the audit log and login throttling.

Behind reverse proxies REMOTE_ADDR is the nearest proxy, and the client's own address is in
X-Forwarded-For, which anyone can also write into a request. So the header is read only as
far as the operator's configuration says it was written by trusted proxies: each of the
TRUSTED_PROXY_COUNT proxies appends the address it received the request from, so the client
is the entry that many places from the right; whatever a client put further left is ignored.
With no proxy configured (the default) only REMOTE_ADDR counts."""

import ipaddress

from django.conf import settings


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The address of the client that sent `request` (None without a request)."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    trusted = settings.TRUSTED_PROXIES
    if count <= 0 or (trusted and remote not in trusted):
        return remote
    forwarded = [
        entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()
    ]
    if len(forwarded) < count:  # not written by all our proxies: do not trust any of it
        return remote
    return _valid(forwarded[-count]) or remote
