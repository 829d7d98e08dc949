"""The notices sent, in the back office: read-only; a platform administrator sees every
department's, a contact person only their own department's."""

import pytest
from django.urls import reverse

from budgets.models import Disclosure, Notice
from tests import factories

LIST = "admin:budgets_notice_changelist"


@pytest.fixture
def notices(reference):
    other = factories.disclosure(factories.department("另一测试局"), published=False)
    own = Notice.objects.create(
        disclosure=reference,
        kind=Notice.Kind.PUBLISHED,
        recipients="lianxiren@example.gov.cn",
        subject="渝中区政府办公室预算已公开",
    )
    foreign = Notice.objects.create(
        disclosure=other,
        kind=Notice.Kind.REMINDER,
        recipients="other@example.gov.cn",
        subject="另一测试局公开期限提醒",
    )
    return own, foreign


def test_a_platform_administrator_lists_every_departments_notices(client, site_admin, notices):
    client.force_login(site_admin)
    page = client.get(reverse(LIST)).content.decode()
    assert "渝中区政府办公室预算已公开" in page and "另一测试局公开期限提醒" in page
    by_kind = client.get(reverse(LIST), {"kind__exact": "reminder"}).content.decode()
    assert "另一测试局公开期限提醒" in by_kind and "预算已公开" not in by_kind
    found = client.get(reverse(LIST), {"q": "other@example"}).content.decode()
    assert "另一测试局公开期限提醒" in found and "预算已公开" not in found
    department = notices[1].disclosure.department_id
    filtered = client.get(reverse(LIST), {"disclosure__department__id__exact": department})
    assert "预算已公开" not in filtered.content.decode()


def test_a_contact_person_sees_only_their_departments_notices(editor_client, notices):
    own, foreign = notices
    page = editor_client.get(reverse(LIST)).content.decode()
    assert "渝中区政府办公室预算已公开" in page and "另一测试局" not in page
    assert (
        editor_client.get(reverse("admin:budgets_notice_change", args=[own.pk])).status_code == 200
    )
    response = editor_client.get(reverse("admin:budgets_notice_change", args=[foreign.pk]))
    assert response.status_code == 302  # as if it did not exist


def test_nobody_adds_changes_or_deletes_a_notice(client, superuser, notices):
    own, _foreign = notices
    client.force_login(superuser)
    assert client.get(reverse("admin:budgets_notice_add")).status_code == 403
    assert client.get(reverse("admin:budgets_notice_delete", args=[own.pk])).status_code == 403
    change = reverse("admin:budgets_notice_change", args=[own.pk])
    assert 'name="_save"' not in client.get(change).content.decode()
    client.post(change, {"subject": "改过的标题", "kind": "returned"})
    own.refresh_from_db()
    assert own.subject == "渝中区政府办公室预算已公开" and own.kind == Notice.Kind.PUBLISHED
    assert Disclosure.objects.filter(pk=own.disclosure_id).exists()
