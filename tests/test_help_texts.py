"""Every field a contact person fills says what to type and where the figure comes from."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from budgets.models import Disclosure
from portal import roles as shipped_roles

CHINESE = re.compile(r"[\u4e00-\u9fff]")

# Fields left without a help text, each for a reason.
WITHOUT_HELP = {
    # The version's identity, fixed once created and read-only on its screen.
    ("Disclosure", "department"): "公开主体：创建时选择，之后只读",
    ("Disclosure", "unit"): "公开主体：创建时选择，之后只读",
    ("Disclosure", "year"): "年度：创建时选择，之后只读",
    # The conflict check's hidden field, never typed.
    ("Disclosure", "seen_version"): "隐藏字段",
    ("Unit", "seen_version"): "隐藏字段",
    ("UnitYear", "seen_version"): "隐藏字段",
}


def editable_forms(user):
    """(model name, form class) for the disclosure screen, its inlines, and every other
    model the contact person may change, as the admin builds them for `user`."""
    request = RequestFactory().get("/admin/")
    request.user, request.session = user, {}
    disclosure_admin = admin.site._registry[Disclosure]
    yield "Disclosure", disclosure_admin.get_form(request, None)
    for inline in disclosure_admin.get_inline_instances(request, None):
        yield inline.model.__name__, inline.get_formset(request, None).form
    for app_label, names in shipped_roles.DEPARTMENT_MODELS.items():
        for name in names:
            model = apps.get_model(app_label, name)
            if model is Disclosure or model not in admin.site._registry:
                continue
            model_admin = admin.site._registry[model]
            yield model.__name__, model_admin.get_form(request, None)
            # The unit-year screen's duties, sections and staffing are typed in its inlines.
            for inline in model_admin.get_inline_instances(request, None):
                yield inline.model.__name__, inline.get_formset(request, None).form


@pytest.mark.django_db
def test_every_field_the_contact_person_fills_has_a_chinese_help_text(superuser):
    missing = []
    seen = set()
    for model_name, form in editable_forms(superuser):
        for name, field in form.base_fields.items():
            if (
                name in {"DELETE", "id", "disclosure", "unit_year"}
                or (model_name, name) in WITHOUT_HELP
            ):
                continue
            seen.add((model_name, name))
            if not CHINESE.search(str(field.help_text or "")):
                missing.append(f"{model_name}.{name}")
    assert missing == []
    # The walk reaches the lines, the projects and the glossary: it can fail.
    assert {("ProcurementLine", "amount"), ("PerformanceTarget", "value")} <= seen
    assert ("DisclosureTerm", "term") in seen
    # … and the organizations app: units, unit-years and what they hold.
    assert {
        ("Unit", "merged_into_parent"),
        ("Unit", "count"),
        ("UnitYear", "duties_preamble"),
        ("Duty", "text"),
        ("Section", "name"),
        ("StaffingQuota", "count"),
    } <= seen
