"""Department isolation: an editor of department A against department B's objects, on every
admin URL and model — never a 200 with B's data, B's rows unchanged, B never listed or
offered in a dropdown or autocomplete."""

import json

import pytest
from django.urls import reverse

from budgets.models import Disclosure, Exemption, StatusChange
from organizations.models import Department, Unit, UnitYear
from tests import factories
from tests.conftest import make_user

B_NAME = "乙部门（不应出现）"


@pytest.fixture
def department_b(reference_data, roles, django_user_model):
    department = factories.department(B_NAME)
    unit = factories.unit_with_year(
        department, 2025, name="乙部门本级", relation=Unit.Relation.OWN_OFFICE
    )
    d = factories.disclosure(
        department, lines=[("2010301", "5", "0")], published=False, contact_phone="023-99999999"
    )
    Exemption.objects.create(department=department, year=2024, legal_basis="乙部门涉密依据")
    StatusChange.objects.create(
        disclosure=d,
        from_status="draft",
        to_status="draft",
        user=make_user(django_user_model, "editor-b", roles.EDITOR, [department]),
    )
    return {
        "department": department,
        "unit": unit,
        "unit_year": UnitYear.objects.get(unit=unit),
        "disclosure": d,
    }


def objects_of_b(b):
    return {
        "organizations_department": b["department"],
        "organizations_unit": b["unit"],
        "organizations_unityear": b["unit_year"],
        "budgets_disclosure": b["disclosure"],
        "budgets_exemption": Exemption.objects.get(department=b["department"]),
        "budgets_statuschange": StatusChange.objects.get(disclosure=b["disclosure"]),
    }


def rows_of_b(b):
    d = Disclosure.objects.get(pk=b["disclosure"].pk)
    return (
        d.contact_phone,
        d.status,
        d.edit_version,
        Unit.objects.get(pk=b["unit"].pk).name,
        list(UnitYear.objects.get(pk=b["unit_year"].pk).duties.values_list("text", flat=True)),
    )


@pytest.mark.parametrize("view", ["change", "history", "delete"])
@pytest.mark.parametrize(
    "prefix",
    [
        "organizations_department",
        "organizations_unit",
        "organizations_unityear",
        "budgets_disclosure",
        "budgets_exemption",
        "budgets_statuschange",
    ],
)
def test_another_departments_object_never_answers_with_its_data(
    editor_client, department_b, view, prefix
):
    obj = objects_of_b(department_b)[prefix]
    response = editor_client.get(reverse(f"admin:{prefix}_{view}", args=[obj.pk]), follow=True)
    assert B_NAME not in response.content.decode() and "乙部门本级" not in response.content.decode()
    assert response.redirect_chain or response.status_code in (403, 404)


def test_posting_to_another_departments_objects_changes_nothing(editor_client, department_b):
    before = rows_of_b(department_b)
    d, unit = department_b["disclosure"], department_b["unit"]
    editor_client.post(
        reverse("admin:budgets_disclosure_change", args=[d.pk]),
        {"contact_phone": "1", "seen_version": "0"},
    )
    editor_client.post(reverse("admin:budgets_disclosure_delete", args=[d.pk]), {"post": "yes"})
    editor_client.post(
        reverse("admin:organizations_unit_change", args=[unit.pk]),
        {"name": "改名", "department": unit.department_id, "relation": "own_office"},
    )
    editor_client.post(reverse("admin:organizations_unit_delete", args=[unit.pk]), {"post": "yes"})
    editor_client.post(reverse("admin:budgets_disclosure_step", args=[d.pk, "submit"]))
    editor_client.post(reverse("admin:budgets_disclosure_correct", args=[d.pk]), {"reason": "x"})
    editor_client.post(
        reverse("admin:budgets_disclosure_changelist"),
        {"action": "delete_selected", "_selected_action": [d.pk], "post": "yes"},
    )
    editor_client.post(
        reverse("admin:budgets_disclosure_changelist"),
        {"action": "prepare_next_year", "_selected_action": [d.pk]},
    )
    assert rows_of_b(department_b) == before
    assert not Disclosure.objects.filter(department=department_b["department"], year=2026).exists()


@pytest.mark.parametrize(
    "prefix",
    [
        "organizations_department",
        "organizations_unit",
        "organizations_unityear",
        "budgets_disclosure",
        "budgets_exemption",
        "budgets_statuschange",
    ],
)
def test_another_department_is_never_listed(editor_client, department_b, reference, prefix):
    response = editor_client.get(reverse(f"admin:{prefix}_changelist"))
    assert response.status_code == 200
    assert B_NAME not in response.content.decode() and "乙部门本级" not in response.content.decode()


@pytest.mark.parametrize(
    "prefix", ["budgets_disclosure", "organizations_unit", "organizations_unityear"]
)
def test_another_department_is_never_offered_in_a_form(editor_client, department_b, prefix):
    html = editor_client.get(reverse(f"admin:{prefix}_add")).content.decode()
    assert B_NAME not in html and "乙部门本级" not in html


@pytest.mark.parametrize(
    ("app", "model", "field"),
    [
        ("budgets", "disclosure", "department"),
        ("budgets", "disclosure", "unit"),
        ("organizations", "unityear", "unit"),
        ("organizations", "unit", "department"),
    ],
)
def test_another_department_is_never_offered_by_autocomplete(
    editor_client, department_b, app, model, field
):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": app, "model_name": model, "field_name": field, "term": "乙"},
    )
    results = json.loads(response.content)["results"] if response.status_code == 200 else []
    assert all("乙" not in r["text"] for r in results)


def test_the_preview_of_another_departments_draft_is_not_found(editor_client, department_b):
    assert (
        editor_client.get(
            reverse("portal:preview", args=[department_b["disclosure"].pk])
        ).status_code
        == 404
    )


def test_an_editor_reaches_their_own_department(editor_client, draft):
    assert (
        editor_client.get(reverse("admin:budgets_disclosure_change", args=[draft.pk])).status_code
        == 200
    )
    assert editor_client.get(reverse("portal:preview", args=[draft.pk])).status_code == 200
    listing = editor_client.get(reverse("admin:budgets_disclosure_changelist")).content.decode()
    assert "重庆市渝中区人民政府办公室" in listing


def test_reviewers_see_every_department_but_edit_none(client, reviewer, department_b, draft):
    client.force_login(reviewer)
    assert B_NAME in client.get(reverse("admin:budgets_disclosure_changelist")).content.decode()
    before = rows_of_b(department_b)
    response = client.get(
        reverse("admin:budgets_disclosure_change", args=[department_b["disclosure"].pk])
    )
    assert response.status_code == 200 and 'name="contact_phone"' not in response.content.decode()
    assert rows_of_b(department_b) == before


def test_the_deadline_overview_lists_only_reachable_departments(
    editor_client, client, reviewer, department_b
):
    url = reverse("admin:budgets_disclosure_progress") + "?year=2025"
    assert B_NAME not in editor_client.get(url).content.decode()
    client.force_login(reviewer)
    assert B_NAME in client.get(url).content.decode()


def test_department_membership_is_what_scopes(editor, department_b):
    from organizations.access import reaches, scope

    assert not reaches(editor, department_b["department"].pk)
    assert list(scope(Department.objects.all(), editor, "")) == list(editor.departments.all())
