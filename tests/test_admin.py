"""The back office: every admin page loads, and a figure changed there reaches the public page."""

import pytest
from django.contrib import admin
from django.urls import reverse

from budgets.models import Disclosure, OfficialExpenseLine
from tests.adminforms import form_values
from tests.conftest import publish
from tests.pagetext import visible_text


@pytest.fixture
def superuser_client(superuser):
    from django.test import Client

    client = Client()
    client.force_login(superuser)
    client.user = superuser
    return client


def registered_models():
    return sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_every_admin_page_loads_for_a_superuser(superuser_client, reference, model, rf):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = superuser_client.user
    assert superuser_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert superuser_client.get(reverse(f"{prefix}_changelist"), {"q": "重庆"}).status_code == 200
    add = superuser_client.get(reverse(f"{prefix}_add")).status_code
    assert add == (200 if model_admin.has_add_permission(request) else 403)
    obj = model._default_manager.first()
    if obj is not None:
        for view in ("change", "history"):
            assert (
                superuser_client.get(reverse(f"{prefix}_{view}", args=[obj.pk])).status_code == 200
            ), view
        # Read-only records (published versions, logs) refuse deletion outright.
        expected = 200 if model_admin.has_delete_permission(request, obj) else 403
        assert (
            superuser_client.get(reverse(f"{prefix}_delete", args=[obj.pk])).status_code == expected
        )
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
    # The form itself, after the tabs that name the same parts (the last tab: 公开前审查).
    form = text[text.index("公开前审查") :]
    positions = [form.index(label) for label in order]
    assert positions == sorted(positions)
    assert "11091.84万元（上年10343.34万元，增加748.5万元）" in text
    assert "326.45万元（上年371.25万元，减少44.8万元）" in text


def save_change_form(client, disclosure, **changes):
    """Post the disclosure screen as a browser would, with some fields changed."""
    url = reverse("admin:budgets_disclosure_change", args=[disclosure.pk])
    data = form_values(client.get(url).content.decode(), "disclosure_form")
    data.update(changes)
    data["_continue"] = "1"
    return client.post(url, data)


def test_a_figure_changed_in_the_admin_reaches_the_public_page(
    superuser_client, client, draft, editor, reviewer
):
    lines = list(OfficialExpenseLine.objects.filter(disclosure=draft).order_by("item__order"))
    index = [line.item.name for line in lines].index("公务接待费")
    response = save_change_form(
        superuser_client, draft, **{f"official_expense_lines-{index}-amount": "30.85"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    published = publish(draft, editor, reviewer)
    page = visible_text(client.get(published.get_absolute_url()).content.decode())
    assert "公务接待费30.85万元，比2024年增加1.6万元" in page
    assert "2025年“三公”经费预算328.45万元，比2024年减少42.8万元" in page


def test_a_bad_figure_is_refused_with_a_chinese_message_and_nothing_saved(superuser_client, draft):
    before = list(
        OfficialExpenseLine.objects.filter(disclosure=draft).values_list("amount", flat=True)
    )
    response = save_change_form(
        superuser_client, draft, **{"official_expense_lines-1-amount": "-5", "contact_name": "别人"}
    )
    assert response.status_code == 200
    assert "金额不能为负数" in response.content.decode()
    assert (
        list(OfficialExpenseLine.objects.filter(disclosure=draft).values_list("amount", flat=True))
        == before
    )
    assert Disclosure.objects.get(pk=draft.pk).contact_name == "严天洁"


def test_more_than_fen_precision_is_refused(superuser_client, draft):
    response = save_change_form(
        superuser_client, draft, **{"official_expense_lines-1-amount": "1.1234567"}
    )
    assert "金额最多精确到分" in response.content.decode()


def test_duplicate_expenditure_lines_are_refused(superuser_client, draft):
    url = reverse("admin:budgets_disclosure_change", args=[draft.pk])
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


def test_the_second_of_two_people_saving_the_same_draft_gets_a_conflict(
    client, superuser_client, draft, editor
):
    url = reverse("admin:budgets_disclosure_change", args=[draft.pk])
    client.force_login(editor)
    theirs = form_values(client.get(url).content.decode(), "disclosure_form")
    mine = form_values(superuser_client.get(url).content.decode(), "disclosure_form")
    assert (
        superuser_client.post(url, {**mine, "contact_phone": "023-1", "_continue": "1"}).status_code
        == 302
    )
    response = client.post(url, {**theirs, "contact_phone": "023-2", "_continue": "1"})
    assert response.status_code == 200
    assert (
        "已被root于" in response.content.decode() and "您的修改未保存" in response.content.decode()
    )
    assert Disclosure.objects.get(pk=draft.pk).contact_phone == "023-1"


def test_each_problem_links_to_the_field_or_lines_at_fault(superuser_client, draft):
    draft.basic_change_reason = ""
    draft.save()
    html = superuser_client.get(
        reverse("admin:budgets_disclosure_change", args=[draft.pk])
    ).content.decode()
    assert '<a href="#id_basic_change_reason">基本支出与上年相比有增减，请说明原因。</a>' in html
    assert 'id="id_basic_change_reason"' in html
