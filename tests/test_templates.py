"""The narrative template is data: chosen by region and year, with no model change to add one."""

from django.urls import reverse

from budgets.models import NarrativeTemplate
from tests import factories


def test_a_sub_region_inherits_its_ancestors_template(reference):
    region = reference.department.region
    template = NarrativeTemplate.for_body(region=region, year=2025, kind="budget")
    assert template.template_name == "narratives/chongqing-budget-2025.html"
    assert NarrativeTemplate.for_body(region=region, year=2024, kind="budget") is None


def test_the_nearest_region_and_newest_year_win(reference):
    district = reference.department.region
    NarrativeTemplate.objects.create(
        name="渝中区新模板",
        region=district,
        first_year=2025,
        template_name="narratives/chongqing-budget-2025.html",
        table_unit="yuan",
    )
    NarrativeTemplate.objects.create(
        name="重庆市2026", region=district.parent, first_year=2026, template_name="x.html"
    )
    assert (
        NarrativeTemplate.for_body(region=district, year=2026, kind="budget").name == "渝中区新模板"
    )


def test_a_region_template_can_print_tables_in_yuan(client, draft, superuser):
    # A later version shows the change; the published one keeps the body it was published with.
    NarrativeTemplate.objects.filter(region__name="重庆市").update(table_unit="yuan")
    client.force_login(superuser)
    html = client.get(reverse("portal:preview", args=[draft.pk])).content.decode()
    assert "部门收入总表（单位：元）" in html and "110,918,400.00" in html


def test_a_region_without_template_gets_the_default(client, reference_data):
    d = factories.disclosure(lines=[("2010301", "1", "0")])
    assert client.get(d.get_absolute_url()).status_code == 200
