"""Region set-up through django-import-export: departments, units, and each unit's duties,
sections and staffing per year, plus glossary terms — previewed, all or nothing, matched by
natural keys, scoped to the user's departments, refused in Chinese, safe on export."""

import csv
import hashlib
import io
import re
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from glossary.models import Term
from organizations.models import (
    Department,
    Duty,
    Section,
    StaffingKind,
    StaffingQuota,
    Unit,
    UnitYear,
)
from portal.models import AuditEvent
from tests import factories
from tests.adminforms import form_values
from tests.pagetext import visible_text

CSV, XLSX = "0", "1"  # the import formats offered: SafeCSV, SafeXLSX
OFFICE = "重庆市渝中区人民政府办公室"
AFFECTED = [Department, Unit, UnitYear, Duty, Section, StaffingQuota, Term]


def snapshot():
    state = {}
    for model in AFFECTED:
        rows = list(model.objects.order_by("pk").values_list())
        state[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        state[f"{model._meta.label} history"] = model.history.count()
    return state


def csv_file(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), "导入.csv"


def xlsx_file(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), "导入.xlsx"


def upload(client, prefix, file, fmt=CSV, resource="0"):
    content, name = file
    handle = io.BytesIO(content)
    handle.name = name
    return client.post(
        reverse(f"admin:{prefix}_import"),
        {"import_file": handle, "format": fmt, "resource": resource},
    )


def confirm(client, prefix, preview):
    url = reverse(f"admin:{prefix}_process_import")
    data = form_values(preview.content.decode(), action=url)
    assert data, "the preview offers a confirm form"
    return client.post(url, data, follow=True)


@pytest.fixture
def other_department(reference_data):
    department = factories.department("乙部门")
    factories.unit_with_year(department, 2025, name="乙部门本级", relation=Unit.Relation.OWN_OFFICE)
    return department


# ---------------------------------------------------------------- departments


DEPARTMENTS = [
    ["地区", "部门全称", "简称", "部门编码", "排序"],
    ["重庆市/渝中区", "重庆市渝中区财政局", "渝中区财政局", "101", "2"],
    ["渝中区", "重庆市渝中区审计局", "", "", ""],
]


def test_a_site_administrator_imports_departments_and_a_second_import_changes_nothing(
    client, site_admin
):
    client.force_login(site_admin)
    prefix = "organizations_department"
    preview = upload(client, prefix, csv_file(DEPARTMENTS))
    assert not Department.objects.filter(name="重庆市渝中区财政局").exists()
    response = confirm(client, prefix, preview)
    assert response.status_code == 200
    finance = Department.objects.get(name="重庆市渝中区财政局")
    assert (str(finance.region), finance.short_name, finance.code, finance.order) == (
        "重庆市 › 渝中区",
        "渝中区财政局",
        "101",
        2,
    )
    assert Department.objects.get(name="重庆市渝中区审计局").order == 0
    assert AuditEvent.objects.filter(kind="import", detail__startswith="导入部门").exists()

    before = snapshot()
    preview = upload(client, prefix, csv_file(DEPARTMENTS))
    confirm(client, prefix, preview)
    assert snapshot() == before


def test_an_editor_may_not_import_departments(editor_client):
    assert editor_client.get(reverse("admin:organizations_department_import")).status_code == 403


def test_an_unknown_region_is_a_row_error_and_nothing_is_imported(client, site_admin):
    client.force_login(site_admin)
    rows = [*DEPARTMENTS, ["重庆市/江北区", "重庆市江北区财政局", "", "", ""]]
    before = snapshot()
    preview = upload(client, "organizations_department", csv_file(rows))
    text = visible_text(preview.content.decode())
    assert "地区“重庆市/江北区”不存在，请先在“地区”中添加。" in text
    assert "process_import" not in preview.content.decode()
    assert snapshot() == before


# ---------------------------------------------------------------- units


UNITS = [
    [
        "部门",
        "单位全称",
        "与部门的关系",
        "单位性质",
        "经费渠道",
        "机构规格",
        "排序",
        "上级单位",
        "单位个数",
        "不单列预算",
    ],
    [
        OFFICE,
        "重庆市渝中区测试中心",
        "所属",
        "公益一类事业单位",
        "财政全额拨款",
        "正科级",
        "5",
        "",
        "",
        "",
    ],
]


def test_a_group_of_units_imports_under_its_parent_with_its_count(editor_client, editor):
    group = [OFFICE, "直属大队", "所属", "事业单位", "", "", "6", "重庆市渝中区测试中心", "3", "是"]
    prefix = "organizations_unit"
    confirm(editor_client, prefix, upload(editor_client, prefix, csv_file([*UNITS, group])))
    unit = Unit.objects.get(name="直属大队")
    assert (unit.parent.name, unit.count, unit.kind.name, unit.merged_into_parent) == (
        "重庆市渝中区测试中心",
        3,
        "事业单位",
        True,
    )
    assert not Unit.objects.get(name="重庆市渝中区测试中心").merged_into_parent


def test_a_unit_file_without_the_merged_column_still_imports(editor_client, editor):
    """Files exported before the 不单列预算 column existed: the column may be left out."""
    prefix = "organizations_unit"
    rows = [row[:-1] for row in UNITS]
    confirm(editor_client, prefix, upload(editor_client, prefix, csv_file(rows)))
    assert not Unit.objects.get(name="重庆市渝中区测试中心").merged_into_parent


def test_an_editor_imports_units_of_their_own_department_by_chinese_labels(editor_client, editor):
    prefix = "organizations_unit"
    confirm(editor_client, prefix, upload(editor_client, prefix, csv_file(UNITS)))
    unit = Unit.objects.get(name="重庆市渝中区测试中心")
    assert (
        unit.department.name,
        unit.relation,
        unit.kind.name,
        unit.funding,
        unit.rank,
        unit.order,
    ) == (
        OFFICE,
        "subordinate",
        "公益一类事业单位",
        "full",
        "正科级",
        5,
    )
    assert unit.history.first().history_user == editor
    assert AuditEvent.objects.filter(
        kind="import", user=editor, detail="导入单位：新增1行，修改0行"
    )


def test_a_unit_row_aimed_at_another_department_refuses_the_whole_file(
    editor_client, other_department
):
    rows = [*UNITS, ["乙部门", "乙部门新单位", "所属", "", "", "", "", "", "", ""]]
    before = snapshot()
    preview = upload(editor_client, "organizations_unit", csv_file(rows))
    text = visible_text(preview.content.decode())
    assert "部门“乙部门”不存在，或不是您所在的部门（只能导入本部门的数据）。" in text
    assert "process_import" not in preview.content.decode()
    assert snapshot() == before


def test_an_unknown_choice_label_is_a_row_error(editor_client):
    rows = [UNITS[0], [OFFICE, "重庆市渝中区测试中心", "下属", "", "", "", "", "", "", ""]]
    before = snapshot()
    preview = upload(editor_client, "organizations_unit", csv_file(rows))
    assert "“下属”无效，应为本级、所属、管理之一。" in visible_text(preview.content.decode())
    assert snapshot() == before


def test_a_confirm_that_imports_nothing_never_says_it_succeeded(editor_client, editor, reference):
    prefix = "organizations_unit"
    preview = upload(editor_client, prefix, csv_file(UNITS))
    reference.department.members.remove(editor)  # the department is out of reach by confirm
    before = snapshot()
    response = confirm(editor_client, prefix, preview)
    text = visible_text(response.content.decode())
    assert "导入未完成，没有导入任何数据" in text and "导入完成" not in text
    assert snapshot() == before
    assert not AuditEvent.objects.filter(kind="import").exists()


# ---------------------------------------------------------------- duties, sections, staffing


def unit_year_rows(header, *rows):
    return [["部门", "单位", "年度", *header], *([OFFICE, OFFICE, 2026, *row] for row in rows)]


def test_duties_sections_and_staffing_of_a_new_year_are_imported_from_xlsx(editor_client):
    prefix = "organizations_unityear"
    for resource, file in (
        ("0", unit_year_rows(["序号", "职责内容"], [1, "负责文电处理。"], [2, "负责会务。"])),
        ("1", unit_year_rows(["序号", "科室名称"], [1, "综合科"])),
        ("2", unit_year_rows(["编制类型", "编制人数"], ["行政编制", 40])),
    ):
        preview = upload(editor_client, prefix, xlsx_file(file), XLSX, resource)
        confirm(editor_client, prefix, preview)
    unit_year = UnitYear.objects.get(unit__name=OFFICE, year=2026)
    assert list(unit_year.duties.values_list("order", "text")) == [
        (1, "负责文电处理。"),
        (2, "负责会务。"),
    ]
    assert list(unit_year.sections.values_list("name", flat=True)) == ["综合科"]
    assert list(unit_year.staffing.values_list("kind__name", "count")) == [("行政编制", 40)]

    before = snapshot()
    file = unit_year_rows(["序号", "职责内容"], [1, "负责文电处理。"], [2, "负责会务。"])
    confirm(editor_client, prefix, upload(editor_client, prefix, xlsx_file(file), XLSX, "0"))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("resource", "rows", "message"),
    [
        pytest.param(
            "0",
            unit_year_rows(["序号", "职责内容"], [1, "甲"], [1, "乙"]),
            "与第1行重复（部门“重庆市渝中区人民政府办公室”、单位“重庆市渝中区人民政府办公室”、年度“2026”、序号“1”）。",
            id="duplicate",
        ),
        pytest.param(
            "2",
            unit_year_rows(["编制类型", "编制人数"], ["临时编制", 3]),
            "编制类型“临时编制”不存在，应为：",
            id="unknown-kind",
        ),
        pytest.param(
            "2",
            unit_year_rows(["编制类型", "编制人数"], ["行政编制", "四十"]),
            "“四十”应为不小于0的整数。",
            id="not-a-count",
        ),
        pytest.param(
            "1",
            [["部门", "单位", "年度", "序号", "科室名称"], [OFFICE, "不存在的单位", 2026, 1, "科"]],
            "部门“重庆市渝中区人民政府办公室”没有名为“不存在的单位”的单位，请先导入或添加该单位。",
            id="unknown-unit",
        ),
        pytest.param(
            "1",
            [["部门", "单位", "年度", "序号", "科室名称"], [OFFICE, OFFICE, 1999, 1, "科"]],
            "年度“1999”应为2000至2100之间的四位数年份。",
            id="year",
        ),
        pytest.param(
            "0",
            [["部门", "单位", "年度", "序号", "职责内容"], ["乙部门", "乙部门本级", 2025, 1, "甲"]],
            "部门“乙部门”不存在，或不是您所在的部门（只能导入本部门的数据）。",
            id="other-department",
        ),
    ],
)
def test_a_bad_unit_year_row_refuses_the_whole_file(
    editor_client, other_department, resource, rows, message
):
    StaffingKind.objects.get_or_create(name="行政编制")
    before = snapshot()
    preview = upload(editor_client, "organizations_unityear", csv_file(rows), CSV, resource)
    html = preview.content.decode()
    assert message in visible_text(html)
    assert "process_import" not in html
    assert snapshot() == before
    assert not UnitYear.objects.filter(year=2026).exists()  # not even the unit-year


# ---------------------------------------------------------------- files and exports


def test_a_region_file_over_the_size_or_row_limit_is_refused(editor_client, settings):
    file = csv_file([*UNITS, [OFFICE, "第二个单位", "所属", "", "", "", "", "", "", ""]])
    settings.IMPORT_MAX_ROWS = 1
    response = upload(editor_client, "organizations_unit", file)
    assert "文件的数据行超过上限1行，未导入。" in visible_text(response.content.decode())
    settings.IMPORT_MAX_BYTES = 100
    response = upload(editor_client, "organizations_unit", file)
    assert "超过上限100B" not in visible_text(response.content.decode())
    assert "超过上限100字节，未导入。" in visible_text(response.content.decode())
    assert not Unit.objects.filter(name="第二个单位").exists()


def test_a_workbook_claiming_a_huge_sheet_or_inflating_too_far_is_handled(editor_client):
    content, name = xlsx_file(UNITS)
    source = zipfile.ZipFile(io.BytesIO(content))
    members = {n: source.read(n) for n in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', members[sheet]
    )

    def zipped(extra=None):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in {**members, **(extra or {})}.items():
                archive.writestr(member, data)
        return buffer.getvalue(), name

    preview = upload(editor_client, "organizations_unit", zipped(), XLSX)
    assert "process_import" in preview.content.decode()  # read by its real rows
    bomb = upload(
        editor_client, "organizations_unit", zipped({"xl/zeros.xml": b"0" * 3_000_000}), XLSX
    )
    assert "可能是“压缩炸弹”，已拒绝。" in visible_text(bomb.content.decode())


def export(client, prefix, fmt, resource="0"):
    """Export with every field of the first resource ticked, as the form offers them."""
    url = reverse(f"admin:{prefix}_export")
    html = client.get(url).content.decode()
    fields = re.findall(rf'name="(\w+resource_\w+)"[^>]*resource-id="{resource}"', html)
    fields += re.findall(rf'resource-id="{resource}"[^>]*name="(\w+resource_\w+)"', html)
    assert fields, html
    data = {"format": fmt, "resource": resource, **dict.fromkeys(fields, "on")}
    response = client.post(url, data)
    assert response.has_header("Content-Disposition"), response.content[:300]
    return response.content


def test_exports_are_scoped_and_formula_safe(editor_client, editor, reference, other_department):
    Unit.objects.create(department=reference.department, name="=1+1", relation="subordinate")
    rows = list(
        csv.reader(
            io.StringIO(export(editor_client, "organizations_unit", "0").decode("utf-8-sig"))
        )
    )
    names = [row[1] for row in rows[1:]]
    assert "'=1+1" in names and "乙部门本级" not in names
    assert rows[0] == [
        "部门",
        "单位全称",
        "与部门的关系",
        "单位性质",
        "经费渠道",
        "机构规格",
        "排序",
        "上级单位",
        "单位个数",
        "不单列预算",
    ]
    assert ["所属", "公益一类事业单位", "财政全额拨款"] in [row[2:5] for row in rows]

    book = openpyxl.load_workbook(io.BytesIO(export(editor_client, "organizations_unityear", "1")))
    header, *lines = list(book.active.values)
    assert header == ("部门", "单位", "年度", "序号", "职责内容")
    assert lines and all(isinstance(line[3], int) for line in lines)  # numbers stay numbers
    assert {line[0] for line in lines} == {OFFICE}
    assert AuditEvent.objects.filter(kind="export", user=editor).count() == 2


# ---------------------------------------------------------------- glossary


def test_glossary_terms_import_with_the_item_they_explain(client, superuser, reference_data):
    client.force_login(superuser)
    rows = [
        ["地区", "起始年度", "名词", "解释", "科目年度", "对应科目编码", "排序"],
        ["", 2025, "测试行政运行", "反映行政单位的基本支出。", 2025, "2010301", 2010301],
        ["", "", "测试通用名词", "通用。", "", "", ""],
    ]
    prefix = "glossary_term"
    confirm(client, prefix, upload(client, prefix, csv_file(rows)))
    term = Term.objects.get(name="测试行政运行")
    assert (term.functional_item.code, term.functional_item.year, term.order) == (
        "2010301",
        2025,
        2010301,
    )
    general = Term.objects.get(name="测试通用名词")
    assert (general.functional_item, general.region, general.from_year) == (None, None, 2000)

    before = snapshot()
    bad = [rows[0], ["", 2025, "测试坏科目", "解释。", 2025, "2019898", ""]]
    preview = upload(client, prefix, csv_file(bad))
    assert "科目编码“2019898”不是2025年的支出功能分类科目。" in visible_text(
        preview.content.decode()
    )
    assert snapshot() == before
