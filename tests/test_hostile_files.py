"""Files a contact person's office programs write, and files an attacker writes: read right,
or refused with a message that names the sheet, row and column (or the file) and says what
to do — for the disclosure workbook and for the set-up imports alike. Every hostile file
is generated here."""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse

from budgets import spreadsheets
from budgets.models import VehicleLine
from budgets.spreadsheets import workbook
from organizations.models import Unit
from tests.adminforms import form_values
from tests.pagetext import visible_text
from tests.test_region_import import UNITS, csv_file, export, xlsx_file
from tests.test_region_import import snapshot as setup_snapshot
from tests.test_region_import import upload as upload_setup
from tests.test_spreadsheet_import import (
    EXPENDITURE,
    INCOME,
    edited,
    exported,
    preview,
    row_of,
    snapshot,
    upload,
    zip_of,
)

SHARED = "xl/sharedStrings.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def members_of(content):
    source = zipfile.ZipFile(io.BytesIO(content))
    return {name: source.read(name) for name in source.namelist()}


def with_shared_strings(content, entries):
    """The workbook with a shared-strings table of `entries` tiny distinct texts (distinct,
    so the part compresses no better than ordinary text and passes the ratio check)."""
    members = members_of(content)
    types = members["[Content_Types].xml"]
    if b"/xl/sharedStrings.xml" not in types:  # declared, so that openpyxl would read it
        members["[Content_Types].xml"] = types.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    body = "".join(f"<si><t>{i:x}</t></si>" for i in range(entries))
    members[SHARED] = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{entries}" '
        f'uniqueCount="{entries}">{body}</sst>'
    ).encode()
    return zip_of(members)


def with_styles_of(content, elements):
    members = members_of(content)
    xfs = "".join(f'<xf numFmtId="{i % 50}"/>' for i in range(elements))
    members["xl/styles.xml"] = (
        f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}"><cellXfs>{xfs}</cellXfs></styleSheet>'
    ).encode()
    return zip_of(members)


# ---------------------------------------------------------------- item 1: memory inside the limits


def test_millions_of_tiny_shared_strings_are_refused_after_reading_at_most_the_cap(
    client, reference, settings
):
    settings.IMPORT_MAX_ROWS = 100
    cap = workbook.limits().max_shared_strings
    content = with_shared_strings(exported(client, reference), cap * 3)
    assert len(content) < settings.IMPORT_MAX_BYTES  # inside the size limit …
    archive = zipfile.ZipFile(io.BytesIO(content))
    part = archive.getinfo(SHARED)
    assert part.file_size < 100 * part.compress_size  # … and the compression-ratio check
    report = workbook.ArchiveCheck()
    with pytest.raises(workbook.ImportRefused, match="文件中的文字条目过多"):
        workbook.check_whole_parts(archive, [part], report)
    assert report.shared_strings == cap + 1  # entries read: the cap, and one more
    assert report.refused_part == SHARED  # parts refused
    assert report.bytes_inflated < part.file_size / 2  # bytes inflated: stopped early


def test_a_styles_part_of_countless_tiny_elements_is_refused(client, reference):
    content = with_styles_of(exported(client, reference), workbook.WHOLE_PART_MAX_ELEMENTS + 10)
    archive = zipfile.ZipFile(io.BytesIO(content))
    report = workbook.ArchiveCheck()
    with pytest.raises(workbook.ImportRefused, match="部件过大"):
        workbook.check_whole_parts(archive, archive.infolist(), report)
    assert report.refused_part == "xl/styles.xml"
    assert report.bytes_inflated < workbook.WHOLE_PART_MAX_BYTES  # stopped by the count


def test_a_workbook_within_the_caps_passes_with_its_whole_parts_counted(db):
    content = with_shared_strings(xlsx_file(UNITS)[0], 5000)  # as Excel saves texts
    report = workbook.check_archive(io.BytesIO(content))
    assert report.refused_part == ""
    assert SHARED in report.parts and "xl/styles.xml" in report.parts
    assert not any(p.startswith("xl/worksheets/") for p in report.parts)  # streamed later
    assert report.shared_strings == 5000


def test_a_shared_strings_bomb_is_refused_by_both_imports_and_nothing_is_written(
    editor_client, client, reference, draft, settings
):
    settings.IMPORT_MAX_ROWS = 100
    entries = workbook.limits().max_shared_strings * 3
    before = snapshot()
    response = upload(
        editor_client, draft, with_shared_strings(exported(client, reference), entries)
    )
    assert "文件中的文字条目过多" in visible_text(response.content.decode())
    assert snapshot() == before
    bomb = with_shared_strings(xlsx_file(UNITS)[0], entries), "单位.xlsx"
    before = setup_snapshot()
    response = upload_setup(editor_client, "organizations_unit", bomb, "1")
    assert "文件中的文字条目过多" in visible_text(response.content.decode())
    assert setup_snapshot() == before


# ---------------------------------------------------------------- item 5: messages


def ods():
    return zip_of(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b"<office:document-content/>",
        }
    )


def test_an_ods_file_is_told_to_be_saved_as_xlsx(editor_client, draft):
    response = upload(editor_client, draft, ods(), name="表.ods")
    text = visible_text(response.content.decode())
    assert "这是OpenDocument表格（.ods" in text and "Excel工作簿（.xlsx）”后再上传" in text
    assert "Word" not in text


def test_a_file_just_over_the_limit_never_reads_as_the_limit_itself(settings):
    settings.IMPORT_MAX_BYTES = 5 * 1024 * 1024
    with pytest.raises(spreadsheets.ImportRefused) as refused:
        spreadsheets.check_size(5_250_420)
    assert str(refused.value) == "文件大小为5.1MB，超过上限5.0MB，未导入。"
    assert workbook.megabytes(300 * 1024) == "300.0KB"
    assert workbook.megabytes(100) == "100字节"


def test_a_set_up_file_without_its_key_column_says_so_in_chinese_without_a_traceback(
    editor_client,
):
    rows = [[c for c in UNITS[0] if c != "单位全称"], [UNITS[1][0], *UNITS[1][2:]]]
    response = upload_setup(editor_client, "organizations_unit", csv_file(rows))
    html = response.content.decode()
    assert "文件缺少列“单位全称”，未导入任何内容。" in visible_text(html)
    assert "Traceback" not in html and "site-packages" not in html
    assert "import_id_fields" not in html


def test_a_header_only_set_up_file_says_it_has_no_rows_in_chinese(editor_client):
    response = upload_setup(editor_client, "organizations_unit", csv_file(UNITS[:1]))
    text = visible_text(response.content.decode())
    assert "文件中没有数据行（只有表头或是空文件），未导入任何内容。" in text
    assert "No valid data" not in text


def test_a_row_error_names_the_column_by_its_chinese_header(editor_client):
    rows = [UNITS[0], [*UNITS[1][:6], "-3"]]
    before = setup_snapshot()
    response = upload_setup(editor_client, "organizations_unit", csv_file(rows))
    html = response.content.decode()
    assert 'validation-error-field-label">排序<' in html
    assert 'validation-error-field-label">order<' not in html
    assert setup_snapshot() == before


# ---------------------------------------------------------------- item 4: Chinese CSV encodings


def gbk_csv(rows):
    content, name = csv_file(rows)
    return content.decode("utf-8-sig").encode("gb18030"), name


def test_a_gbk_csv_from_chinese_excel_is_read_and_the_preview_says_which_encoding(editor_client):
    response = upload_setup(editor_client, "organizations_unit", gbk_csv(UNITS))
    text = visible_text(response.content.decode())
    assert "已按GB18030（GBK）编码读取这个CSV文件。" in text
    assert "重庆市渝中区测试中心" in text
    assert "process_import" in response.content.decode()


def test_a_utf8_csv_with_or_without_bom_is_read_and_said_to_be_utf8(editor_client):
    with_bom = csv_file(UNITS)
    without = with_bom[0].removeprefix("\ufeff".encode()), with_bom[1]
    for file in (with_bom, without):
        response = upload_setup(editor_client, "organizations_unit", file)
        assert "已按UTF-8编码读取这个CSV文件。" in visible_text(response.content.decode())


def test_an_admin_csv_export_starts_with_a_bom_so_excel_reads_chinese(editor_client):
    content = export(editor_client, "organizations_unit", "0")
    assert content.startswith("\ufeff".encode())
    assert "部门".encode() in content


def test_an_undecodable_csv_is_refused_with_the_encodings_it_may_have(editor_client):
    file = b"\xff\xfe\x00\x81\x80" * 10, "乱码.csv"
    response = upload_setup(editor_client, "organizations_unit", file)
    assert "无法识别CSV文件的编码（支持UTF-8和GB18030/GBK）" in visible_text(
        response.content.decode()
    )
    assert not Unit.objects.filter(name="重庆市渝中区测试中心").exists()


# ---------------------------------------------------------------- item 3: values never read wrongly


def test_an_amount_with_a_misplaced_comma_is_an_error_and_thousands_separators_are_read():
    assert workbook.amount("1,234.50") == Decimal("1234.50")
    assert workbook.amount("12，345，678") == Decimal("12345678")
    for slip in ("1,5", "1,23", "12,3456", "1,234,5", ",123"):
        with pytest.raises(workbook.CellError, match="千位分隔符"):
            workbook.amount(slip)


def test_a_text_amount_of_1_comma_5_is_reported_at_its_sheet_row_and_column(
    client, reference, draft, editor
):
    def change(book):
        sheet = book[INCOME]
        sheet.cell(row_of(sheet, "事业收入"), 2).value = "1,5"

    content = edited(exported(client, reference), change)
    issues = [str(i) for i in preview(draft, content, editor).issues]
    assert any(
        i.startswith(f"{INCOME} 第") and "B列（2025年预算数）：“1,5”不是有效数字" in i
        for i in issues
    ), issues


def test_merged_basic_and_project_cells_are_an_error_not_a_zero(client, reference, draft, editor):
    def change(book):
        sheet = book[EXPENDITURE]
        total = row_of(sheet, "合计")
        sheet.merge_cells(start_row=total, start_column=4, end_row=total, end_column=5)

    content = edited(exported(client, reference), change)
    book = openpyxl.load_workbook(io.BytesIO(content))
    total = row_of(book[EXPENDITURE], "合计")
    issues = [str(i) for i in preview(draft, content, editor).issues]
    assert f"{EXPENDITURE} 第{total}行，D列至E列：是合并单元格" in " ".join(issues), issues


def test_a_merged_note_row_below_a_table_is_fine(client, reference, draft, editor):
    result = preview(draft, exported(client, reference), editor)  # exports merge their notes
    assert result.issues == []


def test_a_formula_without_a_saved_result_is_an_error_not_a_blank(client, reference, draft, editor):
    def change(book):
        sheet = book[INCOME]
        sheet.cell(row_of(sheet, "事业收入"), 2).value = "=1+2"  # openpyxl saves no result

    content = edited(exported(client, reference), change)
    result = preview(draft, content, editor)
    messages = [str(i) for i in result.issues]
    assert any("B列（2025年预算数）：此格是公式，但文件中没有保存计算结果" in m for m in messages)
    assert not result.changes  # never offered as a blanked amount


def test_a_set_up_workbook_with_merged_or_uncomputed_cells_is_refused_where_they_are(
    editor_client,
):
    def workbook_with(change):
        book = openpyxl.Workbook()
        for row in [*UNITS, [UNITS[1][0], "第二个单位", "所属", "", "", "", "6"]]:
            book.active.append(row)
        change(book.active)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue(), "单位.xlsx"

    before = setup_snapshot()
    merged = workbook_with(lambda sheet: sheet.merge_cells("C2:C3"))
    response = upload_setup(editor_client, "organizations_unit", merged, "1")
    assert "第2行C列是合并单元格" in visible_text(response.content.decode())
    formula = workbook_with(lambda sheet: sheet.__setitem__("G3", "=2+3"))
    response = upload_setup(editor_client, "organizations_unit", formula, "1")
    assert "第3行G列：此格是公式，但文件中没有保存计算结果" in visible_text(
        response.content.decode()
    )
    assert setup_snapshot() == before


def test_a_database_error_during_confirm_says_nothing_was_imported_instead_of_a_500(
    editor_client, draft
):
    """A real database error, not a constraint: the history table the import writes to is
    gone (renamed inside the test's transaction, which puts it back afterwards)."""

    def fill(book):
        sheet = book["车辆情况表"]
        sheet.cell(row_of(sheet, "一般公务用车"), 2).value = 7

    response = upload(editor_client, draft, edited(spreadsheets.template_workbook(draft), fill))
    confirm = reverse("admin:budgets_disclosure_spreadsheet_confirm", args=[draft.pk])
    data = form_values(response.content.decode(), action=confirm)
    table = VehicleLine.history.model._meta.db_table
    before = snapshot()
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_away")
    try:
        response = editor_client.post(confirm, data)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table}_away RENAME TO {table}")
    assert response.status_code == 302
    page = editor_client.get(response["Location"])
    assert "保存时数据库出错，未导入任何内容（已全部撤销）" in visible_text(page.content.decode())
    assert snapshot() == before
