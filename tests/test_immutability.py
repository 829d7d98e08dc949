"""A published version never changes: not through the model layer, the admin, an action or
an import (the disclosure-file tests cover imports)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import (
    Disclosure,
    IncomeLine,
    KeyProject,
    OfficialExpenseLine,
    PublishedDisclosureError,
)
from glossary.models import DisclosureTerm
from tests.adminforms import form_values


def state(d):
    d = Disclosure.objects.get(pk=d.pk)
    return (
        d.contact_phone,
        d.status,
        list(d.income_lines.values_list("amount", flat=True)),
        list(d.key_projects.values_list("name", flat=True)),
        list(d.glossary_entries.values_list("term_id", flat=True)),
    )


def test_save_and_delete_of_a_published_disclosure_are_refused(reference):
    before = state(reference)
    reference.contact_phone = "1"
    with pytest.raises(PublishedDisclosureError, match="已公开，不能修改"):
        reference.save()
    with pytest.raises(PublishedDisclosureError):
        Disclosure.objects.get(pk=reference.pk).delete()
    assert state(reference) == before


@pytest.mark.parametrize("model", [IncomeLine, OfficialExpenseLine, KeyProject, DisclosureTerm])
def test_its_rows_cannot_be_saved_deleted_or_added(reference, model):
    before = state(reference)
    row = model.objects.filter(disclosure=reference).first()
    with pytest.raises(PublishedDisclosureError):
        row.save()
    with pytest.raises(PublishedDisclosureError):
        row.delete()
    row.pk = row.id = None
    with pytest.raises(PublishedDisclosureError):
        row.save()
    assert state(reference) == before


def test_bulk_updates_and_deletes_are_refused(reference):
    before = state(reference)
    with pytest.raises(PublishedDisclosureError):
        Disclosure.objects.filter(pk=reference.pk).update(contact_phone="1")
    with pytest.raises(PublishedDisclosureError):
        IncomeLine.objects.filter(disclosure=reference).update(amount=Decimal(1))
    with pytest.raises(PublishedDisclosureError):
        OfficialExpenseLine.objects.filter(disclosure=reference).delete()
    with pytest.raises(PublishedDisclosureError):
        Disclosure.objects.filter(pk=reference.pk).delete()
    assert state(reference) == before


def test_the_admin_shows_a_published_version_read_only_and_refuses_posts(admin_client, reference):
    url = reverse("admin:budgets_disclosure_change", args=[reference.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="contact_phone"' not in html and "发起更正" in html
    before = state(reference)
    response = admin_client.post(url, {"contact_phone": "1", "seen_version": "0"})
    assert response.status_code == 403
    assert (
        admin_client.post(
            reverse("admin:budgets_disclosure_delete", args=[reference.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert state(reference) == before


def test_the_delete_action_refuses_published_versions(admin_client, reference):
    before = state(reference)
    url = reverse("admin:budgets_disclosure_changelist")
    action = {"action": "delete_selected", "_selected_action": [reference.pk]}
    assert "已提交、已审核或已公开的版本" in admin_client.post(url, action).content.decode()
    assert admin_client.post(url, {**action, "post": "yes"}).status_code == 403
    assert state(reference) == before


def test_a_submitted_version_is_read_only_too(admin_client, draft, editor):
    from budgets.workflow import disclosure_submit

    disclosure_submit(disclosure=draft, user=editor)
    url = reverse("admin:budgets_disclosure_change", args=[draft.pk])
    assert 'name="contact_phone"' not in admin_client.get(url).content.decode()


def test_a_draft_can_still_be_edited_through_the_admin(admin_client, draft):
    url = reverse("admin:budgets_disclosure_change", args=[draft.pk])
    data = form_values(admin_client.get(url).content.decode(), "disclosure_form")
    response = admin_client.post(url, {**data, "contact_phone": "023-1", "_continue": "1"})
    assert response.status_code == 302
    assert Disclosure.objects.get(pk=draft.pk).contact_phone == "023-1"


def test_the_read_only_screen_shows_amounts_as_tables_do(admin_client, reference):
    html = admin_client.get(
        reverse("admin:budgets_disclosure_change", args=[reference.pk])
    ).content.decode()
    assert "11,091.84" in html and "2,128.46" in html and "11091.840000" not in html
