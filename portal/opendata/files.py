"""One disclosure's downloads: the XLSX workbook, per-table CSV files and the JSON document."""

import csv
import io
from decimal import Decimal

from django.conf import settings
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from budgets.figures import FUND_BUDGETS
from budgets.sanitize import safe_text
from budgets.spreadsheets.downloads import workbook_tables
from budgets.tables import AMOUNT, COUNT, PERCENT, TEXT, WAN

from .tables import (
    FORMAT_VERSION,
    PHASES,
    amount_text,
    csv_header,
    document_name,
)

# ---------------------------------------------------------------- XLSX

XLSX_AMOUNT_FORMAT = "#,##0.00"
_thin = Side(style="thin", color="999999")
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)


def _xlsx_text(value):
    # openpyxl refuses control characters other than tab, LF and CR: drop them, sanitise.
    return safe_text(ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))


def _xlsx_value(column, value):
    if value is None:
        return None
    if column.kind == AMOUNT:
        return Decimal(amount_text(value))  # a number cell, exact to the fen
    if column.kind == COUNT:
        return int(value)
    if column.kind == PERCENT:
        return Decimal(value)
    return _xlsx_text(value)


def _xlsx_row(sheet, table, row, *, bold=False):
    sheet.append([_xlsx_value(c, v) for c, v in zip(table.columns, row.values, strict=True)])
    for column, cell in zip(table.columns, sheet[sheet.max_row], strict=True):
        cell.border = _border
        cell.font = Font(bold=bold)
        if column.kind == AMOUNT:
            cell.number_format = XLSX_AMOUNT_FORMAT
        elif column.kind == COUNT:
            cell.number_format = "0"
    first_text = next(i for i, c in enumerate(table.columns) if c.kind == TEXT)
    if row.level:  # indent the label of a row that is part of the row above
        sheet.cell(sheet.max_row, first_text + 1).alignment = Alignment(indent=2 * row.level)


def _xlsx_sheet(workbook, disclosure, table):
    sheet = workbook.create_sheet(table.title[:31])
    width = len(table.columns)
    last = get_column_letter(width)

    sheet.append([_xlsx_text(f"{document_name(disclosure)}{table.title}")])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")

    sheet.append([None] * (width - 1) + [_xlsx_text(f"单位：{table.unit}")])
    sheet.cell(2, width).alignment = Alignment(horizontal="right")

    sheet.append([_xlsx_text(c.title) for c in table.columns])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.border = _border
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = "A4"

    for row in table.rows:
        _xlsx_row(sheet, table, row)
    if table.total:
        _xlsx_row(sheet, table, table.total, bold=True)
    if table.note:
        sheet.append([_xlsx_text(table.note)])
        sheet.merge_cells(f"A{sheet.max_row}:{last}{sheet.max_row}")
        sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[sheet.max_row].height = 32

    for i, column in enumerate(table.columns, start=1):
        longest = max(
            [len(column.title)] + [len(str(r.values[i - 1] or "")) for r in table.rows], default=4
        )
        sheet.column_dimensions[get_column_letter(i)].width = (
            16 if column.kind != TEXT else min(max(10, 2 * longest + 2), 60)
        )


def render_xlsx(disclosure, tables):
    """The workbook: one sheet per table, laid out as printed tables are — title row, unit
    row (单位：万元), header row, lines, 合计 row, then a note row where there is one. It
    imports whole into a draft: the importable tables carry the columns and lines the page
    leaves out, and the optional sheets follow (budgets/spreadsheets/downloads.py)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = document_name(disclosure)
    workbook.properties.creator = settings.PORTAL_NAME
    for table in workbook_tables(disclosure, tables):
        _xlsx_sheet(workbook, disclosure, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- CSV


def _csv_value(column, value):
    if value is None:
        return ""
    if column.kind == AMOUNT:
        return amount_text(value)
    if column.kind == COUNT:
        return str(int(value))
    if column.kind == PERCENT:
        return f"{value:.2f}"
    return safe_text(value)


def render_table_csv(table):
    """One table as CSV for spreadsheet users: UTF-8 with a byte-order mark (so Excel in
    China opens it as UTF-8), CRLF lines; header row with units, lines, 合计 row, note row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(csv_header(table, c)) for c in table.columns])
    for row in (*table.rows, *([table.total] if table.total else [])):
        writer.writerow([_csv_value(c, v) for c, v in zip(table.columns, row.values, strict=True)])
    if table.note:
        writer.writerow([safe_text(table.note)] + [""] * (len(table.columns) - 1))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- JSON


def _json_value(column, value):
    if column.kind == AMOUNT:
        return amount_text(value)
    if column.kind == COUNT:
        return None if value is None else int(value)
    if column.kind == PERCENT:
        return None if value is None else f"{value:.2f}"
    return "" if value is None else str(value)


def _json_row(table, row):
    values = {c.key: _json_value(c, v) for c, v in zip(table.columns, row.values, strict=True)}
    return {"level": row.level, "values": values}


def _json_table(table):
    return {
        "title": table.title,
        "unit": table.unit,
        "columns": [{"key": c.key, "title": c.title, "type": c.kind} for c in table.columns],
        "rows": [_json_row(table, row) for row in table.rows],
        "total": _json_row(table, table.total) if table.total else None,
        "note": table.note,
    }


def _date(value):
    return value.isoformat() if value else None


def _comparison(c):
    return {
        "amount": amount_text(c.current),
        "prior_amount": amount_text(c.prior),
        "change": amount_text(c.change),
    }


def _project(view):
    p = view.project
    return {
        "order": p.order,
        "name": p.name,
        "amount": amount_text(p.amount),
        "fund_type": p.source.name if p.source_id else None,
        "functional_code": p.functional_item.code if p.functional_item_id else None,
        "write_up": [{"subsection": w.subsection.name, "text": w.text} for w in view.write_ups],
        "targets": [
            {
                "first": t.indicator.parent.name,
                "second": t.indicator.name,
                "name": t.name,
                "operator": t.operator,
                "value": t.value,
                "unit": t.unit,
            }
            for t in view.targets
        ],
    }


def _performance(coverage):
    if coverage is None:
        return None
    return {
        "projects": coverage.projects,
        "amount": amount_text(coverage.amount),
        "computed": coverage.computed,
        "units": coverage.units,
    }


def _set_aside(set_aside):
    """面向中小企业预留: amount, computed share of all procurement (%), of which micro."""
    if set_aside is None:
        return None
    return {
        "amount": amount_text(set_aside.amount),
        "share_percent": amount_text(set_aside.share),
        "micro_amount": amount_text(set_aside.micro),
    }


def _fund_budget(budget):
    """A fund budget's income and spending, and its lines with their uses and reasons."""
    if budget is None:
        return None
    return {
        "source": budget.source.name,
        "income": _comparison(budget.income),
        "spending": _comparison(budget.spending),
        "lines": [
            {
                "code": line.functional_item.code if line.functional_item_id else None,
                "name": line.functional_item.name if line.functional_item_id else None,
                "amount": amount_text(line.amount),
                "purpose": line.purpose,
                "change_reason": line.change_reason,
            }
            for line in budget.lines
        ],
    }


def disclosure_document(disclosure, tables, links=None):
    """The whole disclosure as a JSON-ready dict, valid against
    portal/static/portal/schema/disclosure.schema.json. `links` maps names to URLs."""
    d, f = disclosure, disclosure.figures
    return {
        "format_version": FORMAT_VERSION,
        "id": d.pk,
        "revision": d.revision,
        "supersedes": d.supersedes_id,
        "correction_reason": d.correction_reason,
        "title": d.title,
        "fiscal_year": d.year,
        "kind": d.kind,
        "kind_label": d.get_kind_display(),
        "phase": PHASES[d.kind],
        "region": [region.name for region in d.department.region.lineage()],
        "department": {"id": d.department_id, "name": d.department.name, "code": d.department.code},
        "unit": {"id": d.unit_id, "name": d.unit.name} if d.unit_id else None,
        "body_name": d.body_name,
        "publisher": d.publisher or d.body_name,
        "index_number": d.index_number,
        "published_on": _date(d.published_on),
        "finance_approved_on": _date(d.finance_approved_on),
        "npc_approved_on": _date(d.npc_approved_on),
        "contact": {"name": d.contact_name, "phone": d.contact_phone},
        "currency": "CNY",
        "amount_unit": WAN,
        "tables": {table.key: _json_table(table) for table in tables},
        "other_figures": {
            "operating_cost": _comparison(f.operating_cost),
            "performance_amount": amount_text(d.performance_amount),
            "vehicles_counted_on": _date(d.vehicles_counted_on),
            "performance": _performance(f.performance),
            "procurement_set_aside": _set_aside(f.procurement_set_aside),
            "fund_budgets": {code: _fund_budget(f.fund_budget(code)) for code in FUND_BUDGETS},
        },
        "projects": [_project(view) for view in f.projects],
        "texts": {
            "income_change_reason": d.income_change_reason,
            "basic_change_reason": d.basic_change_reason,
            "basic_uses": d.basic_uses,
            "project_change_reason": d.project_change_reason,
            "official_expense_change_reason": d.official_expense_change_reason,
            "official_expense_item_reasons": [
                {"item": line.item.name, "change_reason": line.change_reason}
                for line in f.official_expense_lines
            ],
            "operating_cost_change_reason": d.operating_cost_change_reason,
            "operating_cost_uses": d.operating_cost_uses,
        },
        "links": dict(links or {}),
        "content_checksum": d.content_checksum or None,
    }
