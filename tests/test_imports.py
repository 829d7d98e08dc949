"""Reference data through django-import-export: previewed, then all or nothing."""

import pytest
from django.urls import reverse

from budgets.models import FunctionalItem
from tests.adminforms import form_values
from tests.pagetext import visible_text


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def upload(client, tmp_path, text):
    path = tmp_path / "items.csv"
    path.write_text(text, encoding="utf-8")
    with path.open("rb") as handle:
        return client.post(
            reverse("admin:budgets_functionalitem_import"),
            {"import_file": handle, "format": "0", "resource": "0"},
        )


def test_a_classification_file_is_previewed_then_imported(
    superuser_client, reference_data, tmp_path
):
    response = upload(
        superuser_client,
        tmp_path,
        "年度,科目编码,科目名称\n2026,201,一般公共服务支出\n2026,20103,政府办公厅（室）及相关机构事务\n",
    )
    assert not FunctionalItem.objects.filter(year=2026).exists()
    url = reverse("admin:budgets_functionalitem_process_import")
    data = form_values(response.content.decode(), action=url)
    assert data, "the preview offers a confirm form"
    response = superuser_client.post(url, data)
    assert response.status_code == 302
    assert sorted(FunctionalItem.objects.filter(year=2026).values_list("code", flat=True)) == [
        "201",
        "20103",
    ]


def test_a_classification_file_with_one_bad_row_imports_nothing(
    superuser_client, reference_data, tmp_path
):
    before = FunctionalItem.objects.count()
    response = upload(
        superuser_client,
        tmp_path,
        "年度,科目编码,科目名称\n2026,201,一般公共服务支出\n2026,20X,坏编码\n",
    )
    text = visible_text(response.content.decode())
    assert "科目编码应为3位（类）、5位（款）或7位（项）数字。" in text
    assert "process_import" not in response.content.decode()
    assert FunctionalItem.objects.count() == before


def test_confirmed_imports_and_exports_are_audited(superuser_client, reference_data, tmp_path):
    from portal.models import AuditEvent

    response = upload(
        superuser_client, tmp_path, "年度,科目编码,科目名称\n2026,201,一般公共服务支出\n"
    )
    url = reverse("admin:budgets_functionalitem_process_import")
    superuser_client.post(url, form_values(response.content.decode(), action=url))
    export = superuser_client.post(
        reverse("admin:budgets_functionalitem_export"),
        {
            "format": "0",
            "resource": "0",
            "functionalitemresource_year": "on",
            "functionalitemresource_code": "on",
            "functionalitemresource_name": "on",
        },
    )
    assert export.has_header("Content-Disposition"), export.content[:500]
    kinds = set(AuditEvent.objects.values_list("kind", "detail"))
    assert ("import", "导入支出功能分类科目：新增1行，修改0行") in kinds
    assert ("export", "导出支出功能分类科目") in kinds and (
        "export",
        "导出支出功能分类科目",
    ) in kinds
