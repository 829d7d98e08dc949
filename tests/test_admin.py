"""The back office: every admin page loads, and a figure changed there reaches the public page."""

import pytest
from django.contrib import admin
from django.urls import reverse

from budgets.models import Disclosure, OfficialExpenseLine
from tests.adminforms import form_values
from tests.pagetext import visible_text


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "", "pw")
    client.force_login(user)
    return client


def registered_models():
    return sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_every_admin_page_loads_for_a_superuser(superuser_client, reference, model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert superuser_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert superuser_client.get(reverse(f"{prefix}_changelist"), {"q": "重庆"}).status_code == 200
    assert superuser_client.get(reverse(f"{prefix}_add")).status_code == 200
    obj = model._default_manager.first()
    if obj is not None:
        for view in ("change", "history", "delete"):
            response = superuser_client.get(reverse(f"{prefix}_{view}", args=[obj.pk]))
            assert response.status_code == 200, view
    assert superuser_client.get(reverse("admin:index")).status_code == 200


def test_the_disclosure_screen_follows_the_documents_parts(superuser_client, reference):
    html = superuser_client.get(
        reverse("admin:budgets_disclosure_change", args=[reference.pk])
    ).content.decode()
    text = visible_text(html)
    order = [
        "一、单位基本情况",
        "二、部门收支总体情况",
        "收入预算（按来源）",
        "支出预算（按功能分类）",
        "三、部门预算情况说明",
        "重点项目",
        "四、“三公”经费情况说明",
        "五、其他重要事项",
        "政府采购预算",
        "六、专业性名词解释",
        "公开联系人",
    ]
    positions = [text.index(label) for label in order]
    assert positions == sorted(positions)
    assert "11091.84万元（上年10343.34万元，增加748.5万元）" in text
    assert "326.45万元（上年371.25万元，减少44.8万元）" in text


def save_change_form(client, disclosure, **changes):
    url = reverse("admin:budgets_disclosure_change", args=[disclosure.pk])
    data = form_values(client.get(url).content.decode(), "disclosure_form")
    data.update(changes)
    data["_continue"] = "1"
    return client.post(url, data)


def test_a_figure_changed_in_the_admin_reaches_the_public_page(superuser_client, client, reference):
    line = OfficialExpenseLine.objects.get(disclosure=reference, item__name="公务接待费")
    index = list(
        OfficialExpenseLine.objects.filter(disclosure=reference).order_by("item__order")
    ).index(line)
    response = save_change_form(
        superuser_client, reference, **{f"official_expense_lines-{index}-amount": "30.85"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = visible_text(client.get(reference.get_absolute_url()).content.decode())
    assert "公务接待费30.85万元，比2024年增加1.6万元" in page
    assert "2025年“三公”经费预算328.45万元，比2024年减少42.8万元" in page


def test_a_bad_figure_is_refused_with_a_chinese_message_and_nothing_saved(
    superuser_client, reference
):
    before = list(
        OfficialExpenseLine.objects.filter(disclosure=reference).values_list("amount", flat=True)
    )
    response = save_change_form(
        superuser_client,
        reference,
        **{"official_expense_lines-1-amount": "-5", "contact_name": "别人"},
    )
    assert response.status_code == 200
    assert "金额不能为负数" in response.content.decode()
    assert (
        list(
            OfficialExpenseLine.objects.filter(disclosure=reference).values_list(
                "amount", flat=True
            )
        )
        == before
    )
    assert Disclosure.objects.get(pk=reference.pk).contact_name == "严天洁"


def test_more_than_fen_precision_is_refused(superuser_client, reference):
    response = save_change_form(
        superuser_client, reference, **{"official_expense_lines-1-amount": "1.1234567"}
    )
    assert "金额最多精确到分" in response.content.decode()


def test_duplicate_expenditure_lines_are_refused(superuser_client, reference):
    url = reverse("admin:budgets_disclosure_change", args=[reference.pk])
    data = form_values(superuser_client.get(url).content.decode(), "disclosure_form")
    total = int(data["expenditure_lines-TOTAL_FORMS"])
    data.update(
        {
            f"expenditure_lines-{total}-source": data["expenditure_lines-1-source"],
            f"expenditure_lines-{total}-functional_item": data[
                "expenditure_lines-1-functional_item"
            ],
            f"expenditure_lines-{total}-total": "1",
            "expenditure_lines-TOTAL_FORMS": str(total + 1),
        }
    )
    response = superuser_client.post(url, data)
    assert response.status_code == 200
    assert "只能填写一行" in response.content.decode()
