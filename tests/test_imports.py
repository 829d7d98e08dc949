"""Reference data through django-import-export: previewed, then all or nothing."""

from datetime import date

import pytest
from django.urls import reverse

from budgets.models import ClassificationVersion, EconomicItem, FunctionalItem
from tests.adminforms import form_values
from tests.pagetext import visible_text


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def upload(client, tmp_path, text, model="functionalitem", resource="0"):
    path = tmp_path / "items.csv"
    path.write_text(text, encoding="utf-8")
    with path.open("rb") as handle:
        return client.post(
            reverse(f"admin:budgets_{model}_import"),
            {"import_file": handle, "format": "0", "resource": resource},
        )


def confirm(client, response, model="functionalitem"):
    url = reverse(f"admin:budgets_{model}_process_import")
    data = form_values(response.content.decode(), action=url)
    assert data, "the preview offers a confirm form"
    return client.post(url, data)


def test_an_in_year_revision_is_imported_as_its_own_dated_version(
    superuser_client, reference_data, tmp_path
):
    response = upload(
        superuser_client,
        tmp_path,
        "年度,生效日期,科目编码,科目名称\n2026,2026-07-01,201,一般公共服务支出\n"
        "2026,2026-07-01,2010301,行政运行\n",
    )
    assert confirm(superuser_client, response).status_code == 302
    version = ClassificationVersion.objects.get(
        scheme="functional", year=2026, effective_on=date(2026, 7, 1)
    )
    items = FunctionalItem.objects.filter(version=version)
    assert sorted(items.values_list("code", flat=True)) == ["201", "2010301"]
    assert FunctionalItem.objects.of_year(2026, on=date(2026, 3, 1)).count() > 2


def test_every_bad_row_of_a_list_is_named_with_its_column_and_nothing_is_imported(
    superuser_client, reference_data, tmp_path
):
    before = FunctionalItem.objects.count(), ClassificationVersion.objects.count()
    response = upload(
        superuser_client,
        tmp_path,
        "年度,生效日期,科目编码,科目名称\n2027,,201,一般公共服务支出\n"
        "2027,2026-07-01,202,外交支出\n二〇二七,,203,国防支出\n2027,,20X,坏编码\n",
    )
    text = visible_text(response.content.decode())
    # The preview's error table: row number, error count, then the column and its message.
    assert "21生效日期生效日期2026-07-01不在2027年内。" in text
    assert "31年度年度应为四位数字（如2026）。" in text
    assert "41科目编码科目编码“20X”无效，应为3位、5位、7位数字。" in text
    assert "process_import" not in response.content.decode()
    assert (FunctionalItem.objects.count(), ClassificationVersion.objects.count()) == before


def test_the_government_economic_list_is_imported_through_the_economic_items(
    superuser_client, reference_data, tmp_path
):
    response = upload(
        superuser_client,
        tmp_path,
        "年度,科目编码,科目名称,待核实\n2027,501,机关工资福利支出,\n2027,50101,工资奖金津补贴,1\n",
        model="economicitem",
        resource="1",
    )
    assert confirm(superuser_client, response, "economicitem").status_code == 302
    items = EconomicItem.objects.of_year(2027, scheme="government_economic")
    assert dict(items.values_list("code", "unverified")) == {"501": False, "50101": True}
    assert not EconomicItem.objects.of_year(2027).exists()


def test_a_classification_file_is_previewed_then_imported(
    superuser_client, reference_data, tmp_path
):
    response = upload(
        superuser_client,
        tmp_path,
        "年度,科目编码,科目名称\n2027,201,一般公共服务支出\n2027,20103,政府办公厅（室）及相关机构事务\n",
    )
    assert not FunctionalItem.objects.filter(year=2027).exists()
    url = reverse("admin:budgets_functionalitem_process_import")
    data = form_values(response.content.decode(), action=url)
    assert data, "the preview offers a confirm form"
    response = superuser_client.post(url, data)
    assert response.status_code == 302
    assert sorted(FunctionalItem.objects.filter(year=2027).values_list("code", flat=True)) == [
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
        "年度,科目编码,科目名称\n2027,201,一般公共服务支出\n2027,20X,坏编码\n",
    )
    text = visible_text(response.content.decode())
    assert "科目编码“20X”无效，应为3位、5位、7位数字。" in text
    assert "process_import" not in response.content.decode()
    assert FunctionalItem.objects.count() == before


def test_confirmed_imports_and_exports_are_audited(superuser_client, reference_data, tmp_path):
    from portal.models import AuditEvent

    response = upload(
        superuser_client, tmp_path, "年度,科目编码,科目名称\n2027,201,一般公共服务支出\n"
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
