"""A contact person copying a table printed in 元 enters amounts in 元; they are stored in
万元, exactly."""

from decimal import Decimal

from django.urls import reverse

from budgets.models import OfficialExpenseLine
from tests.adminforms import form_values


def test_amounts_typed_in_yuan_are_stored_exactly_in_wan(editor_client, draft):
    url = reverse("admin:budgets_disclosure_change", args=[draft.pk])
    lines = OfficialExpenseLine.objects.filter(disclosure=draft).order_by("pk")
    before = list(lines.values_list("amount", flat=True))
    html = editor_client.get(url + "?unit=yuan").content.decode()
    assert "按元填写" in html
    data = form_values(html, "disclosure_form")
    assert data["operating_cost"] == "2732300.00"  # 273.23万元 shown in 元
    data.update({"operating_cost": "2802345.67", "_continue": "1"})
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.operating_cost == Decimal("280.234567")
    # Unchanged lines stay exactly as they were (shown in 元, read back in 万元).
    assert list(lines.values_list("amount", flat=True)) == before


def test_a_yuan_amount_with_more_than_two_decimals_is_refused_and_nothing_saved(
    editor_client, draft
):
    url = reverse("admin:budgets_disclosure_change", args=[draft.pk])
    data = form_values(editor_client.get(url + "?unit=yuan").content.decode(), "disclosure_form")
    before = draft.operating_cost
    data.update({"operating_cost": "100.123", "_continue": "1"})
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "以元填写时最多两位小数" in response.content.decode()
    draft.refresh_from_db()
    assert draft.operating_cost == before
