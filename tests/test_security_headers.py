"""Every page, public or back office, is sent with a strict Content-Security-Policy (no
inline script anywhere), a Referrer-Policy, nosniff and frame denial; and no page of ours
carries an inline script or event handler that the policy would block."""

import re

import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def assert_hardened(response):
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"], "scripts only from our own files, never inline"
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def assert_no_inline_script(html):
    # A json_script data block (type="application/json", e.g. a chart's data) never runs.
    pattern = r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>'
    assert not re.search(pattern, html), "an inline <script> block"
    assert not re.search(r"\son[a-z]+\s*=", html), "an inline event handler (onclick …)"
    assert "javascript:" not in html


def test_public_pages_are_sent_with_the_security_headers(client, reference):
    for url in [
        reverse("portal:home"),
        reference.get_absolute_url(),
        reverse("portal:glossary"),
        reference.department.get_absolute_url(),
    ]:
        response = client.get(url)
        assert_hardened(response)
        assert_no_inline_script(response.content.decode())


def test_back_office_pages_are_sent_with_the_security_headers(superuser_client, draft):
    assert_hardened(Client().get(reverse("admin:login")))
    for url in [
        reverse("admin:index"),
        reverse("admin:budgets_disclosure_changelist"),
        reverse("admin:budgets_disclosure_change", args=[draft.pk]),
        reverse("admin:budgets_disclosure_progress"),
    ]:
        response = superuser_client.get(url)
        assert_hardened(response)
        assert_no_inline_script(response.content.decode())


def test_publishing_asks_for_confirmation_without_an_inline_handler(
    client, draft, editor, reviewer
):
    from budgets import workflow
    from tests.conftest import record_checks

    record_checks(draft)
    workflow.disclosure_submit(disclosure=draft, user=editor)
    workflow.disclosure_approve(disclosure=draft, user=reviewer)
    client.force_login(reviewer)
    html = client.get(reverse("admin:budgets_disclosure_change", args=[draft.pk])).content.decode()
    assert 'data-confirm="公开后本版本不能再修改' in html
    assert "portal/confirm.js" in html
