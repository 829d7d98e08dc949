"""The per-version page of an object's history (`…/history/<history_id>/`) shows an old
state and never saves: every model with history, every role, superusers included."""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from budgets.models import Exemption
from organizations.models import Department, DepartmentSuccession, UnitYear
from tests.adminforms import form_values

ROLES = ["editor", "reviewer", "site_admin", "superuser"]

# Each admin with history, the object of the reference department it is tried on and the
# text field a crafted POST tries to rewrite.
MODELS = {
    "organizations.region": (lambda d: d.department.region, "name"),
    "organizations.department": (lambda d: d.department, "name"),
    "organizations.unit": (lambda d: d.department.units.first(), "name"),
    "organizations.unityear": (
        lambda d: UnitYear.objects.filter(unit__department=d.department).first(),
        "duties_preamble",
    ),
    "budgets.disclosure": (lambda d: d, "contact_name"),
    "budgets.exemption": (
        lambda d: Exemption.objects.get_or_create(
            department=d.department, year=2024, defaults={"legal_basis": "涉密依据"}
        )[0],
        "legal_basis",
    ),
    "glossary.term": (lambda d: d.glossary_entries.first().term, "definition"),
    "organizations.departmentsuccession": (lambda d: succession(d.department), "note"),
}


def succession(department):
    predecessor = Department.objects.get_or_create(region=department.region, name="原测试办")[0]
    return DepartmentSuccession.objects.get_or_create(
        predecessor=predecessor,
        successor=department,
        defaults={"date": datetime.date(2023, 12, 1), "note": "职责划入。"},
    )[0]


def history_url(obj, record):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, record.history_id],
    )


@pytest.fixture
def everyone(editor, reviewer, site_admin, superuser):
    return {
        "editor": editor,
        "reviewer": reviewer,
        "site_admin": site_admin,
        "superuser": superuser,
    }


def test_every_admin_with_history_is_tried_here():
    from django.contrib import admin
    from simple_history.admin import SimpleHistoryAdmin

    with_history = {
        f"{model._meta.app_label}.{model._meta.model_name}"
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    }
    assert with_history == set(MODELS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", sorted(MODELS))
def test_a_post_to_a_history_version_page_is_refused_and_changes_nothing(
    client, draft, everyone, model, role
):
    find, field = MODELS[model]
    obj = find(draft)
    record = obj.history.first()
    url = history_url(obj, record)
    before = model_to_dict(type(obj).objects.get(pk=obj.pk))

    client.force_login(everyone["superuser"])
    page = client.get(url)
    assert page.status_code == 200
    data = form_values(page.content.decode(), f"historical{obj._meta.model_name}_form")
    assert field in data, "the crafted POST carries the page's own form"

    client.force_login(everyone[role])
    assert client.get(url).status_code == 200, "every role may still view the old state"
    response = client.post(url, {**data, field: "篡改的内容", "_continue": "1"})

    assert response.status_code in (403, 405)
    assert model_to_dict(type(obj).objects.get(pk=obj.pk)) == before
