"""Login throttling (django-axes): a user name and an address are locked after too many
failed logins, only an administrator (or the cool-off) unlocks them, every lockout is in the
audit log, and the client address comes from a trusted proxy only — a forged
X-Forwarded-For neither resets an attacker's counter nor locks someone else out."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.models import AuditEvent

LOCKED = "登录失败次数过多"
ATTACKER, VICTIM, PROXY = "203.0.113.9", "198.51.100.7", "10.0.0.2"


def log_in(username, password, address, forwarded=None):
    """One login attempt from a fresh browser at `address`; returns the response."""
    headers = {"REMOTE_ADDR": address}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(
        reverse("admin:login"), {"username": username, "password": password}, **headers
    )


def succeeded(response):
    return response.status_code == 302


def test_a_user_name_is_locked_after_too_many_failures_even_with_the_right_password(editor):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in("editor", "wrong", f"192.0.2.{n}")  # from a new address each time
    response = log_in("editor", "pw-editor-1", "192.0.2.200")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert 'name="password"' in response.content.decode(), "the login form is shown again"


def test_an_address_is_locked_after_too_many_failures_on_any_user_names(editor):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(f"guess{n}", "wrong", ATTACKER)
    assert log_in("editor", "pw-editor-1", ATTACKER).status_code == 429
    assert succeeded(log_in("editor", "pw-editor-1", VICTIM))


def test_logging_in_to_ones_own_account_does_not_reset_the_address_count(editor, reviewer):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(f"guess{n}", "wrong", ATTACKER)
    assert succeeded(log_in("reviewer", "pw-reviewer-1", ATTACKER))
    log_in("guess-last", "wrong", ATTACKER)
    assert log_in("editor", "pw-editor-1", ATTACKER).status_code == 429


def test_every_lockout_is_in_the_audit_log(editor):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in("editor", "wrong", f"192.0.2.{n}")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOCKOUT)
    assert event.username == "editor" and "已锁定" in event.detail


def test_a_forged_forwarded_for_does_not_reset_the_attackers_counter(editor):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(f"guess{n}", "wrong", ATTACKER, forwarded=f"192.0.2.{n}")
    assert log_in("editor", "pw-editor-1", ATTACKER, forwarded="192.0.2.99").status_code == 429


def test_a_forged_forwarded_for_does_not_lock_out_the_address_it_names(editor):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(f"guess{n}", "wrong", ATTACKER, forwarded=VICTIM)
    assert succeeded(log_in("editor", "pw-editor-1", VICTIM))


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_saw(editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = [PROXY]
    # The proxy appends the address it saw; the attacker wrote the victim's in front.
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(f"guess{n}", "wrong", PROXY, forwarded=f"{VICTIM}, {ATTACKER}")
    assert log_in("editor", "pw-editor-1", PROXY, forwarded=ATTACKER).status_code == 429
    assert succeeded(log_in("editor", "pw-editor-1", PROXY, forwarded=VICTIM))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_a_forwarded_for_from_an_untrusted_address_is_ignored(editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = [PROXY]
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(f"guess{n}", "wrong", ATTACKER, forwarded=VICTIM)  # bypassing the proxy
    assert succeeded(log_in("editor", "pw-editor-1", PROXY, forwarded=VICTIM))
    assert log_in("editor", "pw-editor-1", ATTACKER).status_code == 429


def test_a_platform_administrator_unlocks_a_locked_user(editor, site_admin, client):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in("editor", "wrong", f"192.0.2.{n}")
    client.force_login(site_admin)
    changelist = reverse("admin:portal_loginlock_changelist")
    assert "editor" in client.get(changelist).content.decode()
    attempts = AccessAttempt.objects.filter(username="editor")
    response = client.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": [a.pk for a in attempts],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert succeeded(log_in("editor", "pw-editor-1", "192.0.2.200"))


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_only_administrators_see_or_clear_locked_logins(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("admin:portal_loginlock_changelist")).status_code == 403
