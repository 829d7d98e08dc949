"""A second region's template, held as data: ten tables in 元 with thousands separators,
the glossary third, a fictional department with consistent 项-level figures. Loaded beside
the reference with no model change; every table figure is on its page and in every download."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import frictionless
import openpyxl
import pytest
from django.urls import reverse

from budgets.models import Disclosure
from budgets.money import format_yuan
from budgets.rules import ERROR, check_disclosure
from budgets.tables import AMOUNT
from portal import opendata
from portal.disclosure_file import load_disclosure_file
from tests.pagetext import visible_text
from tests.test_opendata import package_files

DATA = Path(__file__).resolve().parent.parent / "portal" / "data"
SECOND = DATA / "qingshan-donghu-npc-office-2025.toml"
TABLES = [
    "部门财务收支预算总表",
    "部门收入预算表",
    "部门支出预算表",
    "财政拨款收支预算总表",
    "一般公共预算财政拨款支出预算表",
    "一般公共预算财政拨款基本支出预算表",
    "一般公共预算“三公”经费支出预算表",
    "政府性基金预算财政拨款支出预算表",
    "国有资本经营预算财政拨款支出预算表",
    "项目支出绩效目标表",
    "政府采购预算表",
]
COUNTED = {"公务用车情况表": "辆", "单位价值较高的设备情况表": "台（套）"}


@pytest.fixture
def second(reference):
    return Disclosure.objects.for_page().get(pk=load_disclosure_file(SECOND).disclosure.pk)


@pytest.fixture
def page(client, second):
    response = client.get(second.get_absolute_url())
    assert response.status_code == 200
    return visible_text(response.content.decode())


def page_tables(second):
    """Its tables as the page builds them (catalogue order and titles)."""
    from portal.pages import body_data

    return body_data(second)["tables"]


def figures(table):
    """Every amount of a table (rows and total) that is known."""
    rows = [*table.rows, *([table.total] if table.total else [])]
    return [
        value
        for row in rows
        for column, value in zip(table.columns, row.values, strict=True)
        if column.kind == AMOUNT and value is not None
    ]


def test_it_loads_beside_the_reference_and_loading_again_changes_nothing(reference, second):
    assert Disclosure.objects.published().count() == 2
    assert load_disclosure_file(SECOND).changed == 0


def test_its_page_prints_its_ten_tables_in_yuan_with_the_glossary_third(page):
    assert [title for title in TABLES if f"{title}（单位：元）" not in page] == []
    assert [t for t, unit in COUNTED.items() if f"{t}（单位：{unit}）" not in page] == []
    order = [page.index(h) for h in ("一、部门基本情况", "二、部门预算收支情况", "三、名词解释")]
    assert order == sorted(order) and page.index("三、名词解释") < page.index("四、“三公”经费")
    assert "本表无数据：本部门2025年没有使用国有资本经营预算拨款安排的支出，故本表为空。" in page


def test_its_figures_are_consistent_and_pass_every_rule(second):
    f = second.figures
    assert f.income.current == f.expenditure.current == Decimal("1113.506134")
    assert f.basic_by_economic_class == f.split_from("general_budget")[0].current
    assert f.finest_level == "项"
    assert [p for p in check_disclosure(second) if p.severity == ERROR] == []


def test_every_table_figure_is_on_its_page_in_yuan(second, page):
    tables = page_tables(second)
    assert [t.title for t in tables] == [*TABLES, *COUNTED]
    missing = [
        (t.title, value) for t in tables for value in figures(t) if format_yuan(value) not in page
    ]
    assert missing == []
    assert "10,765,061.34" in page and "1,088.51万元" not in page


def test_every_table_figure_is_in_every_download(client, second, tmp_path):
    pk = second.pk
    downloads = {t.key: t for t in opendata.disclosure_tables(second)}
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("portal:disclosure_xlsx", args=[pk])).content)
    )
    document = json.loads(client.get(reverse("portal:disclosure_json", args=[pk])).content)
    package_files(client, tmp_path)
    package = frictionless.Package(tmp_path / "datapackage.json")
    packaged = {r.name: r.read_rows() for r in package.resources}
    for table in page_tables(second):
        download = downloads[table.key]
        wanted = {opendata.amount_text(v) for v in figures(table)}
        sheet = {
            opendata.amount_text(c.value)
            for row in book[download.title].iter_rows()
            for c in row
            if isinstance(c.value, int | float | Decimal)
        }
        csv_text = client.get(
            reverse("portal:disclosure_table_csv", args=[pk, table.key])
        ).content.decode("utf-8-sig")
        cells = {cell for row in csv.reader(io.StringIO(csv_text)) for cell in row}
        entry = document["tables"][table.key]
        in_json = {
            v
            for row in [*entry["rows"], entry["total"] or {"values": {}}]
            for v in row["values"].values()
        }
        assert wanted <= sheet, table.title
        assert wanted <= cells, table.title
        assert wanted <= in_json, table.title
        rows = [r for r in packaged[table.key] if r["disclosure_id"] == pk]
        in_package = {
            opendata.amount_text(v) for r in rows for v in r.values() if isinstance(v, Decimal)
        }
        # the package holds the rows (its total is their sum, not a row of its own)
        # (procurement is unpivoted into one row per category: a source's 合计 is their sum)
        row_figures = {
            opendata.amount_text(v)
            for row in table.rows
            for column, v in zip(table.columns, row.values, strict=True)
            if isinstance(v, Decimal)
            and not (table.key == "procurement" and column.key == "amount")
        }
        assert row_figures <= in_package, table.title


def test_a_faithful_draft_of_the_second_region_can_be_submitted(reference, tmp_path, superuser):
    """Its documents explain general terms only; its rule set makes the per-科目 glossary
    finding a notice, so the draft is not blocked by a term the document never had."""
    from budgets.workflow import disclosure_submit

    draft_file = tmp_path / "second-draft.toml"
    draft_file.write_text(
        SECOND.read_text(encoding="utf-8").replace('status = "已公开"', 'status = "草稿"'),
        encoding="utf-8",
    )
    draft = load_disclosure_file(draft_file).disclosure
    draft.glossary_entries.filter(term__functional_item__isnull=False).delete()
    problems = check_disclosure(draft)
    assert [p.message for p in problems if p.severity == ERROR] == []
    assert sum("没有名词解释" in p.message for p in problems) == 10  # one per line
    disclosure_submit(disclosure=draft, user=superuser)
    assert Disclosure.objects.get(pk=draft.pk).status == Disclosure.Status.SUBMITTED


def test_a_region_naming_no_rule_set_requires_a_term_per_item(reference_data):
    from tests import factories

    draft = factories.disclosure(published=False, lines=[("2010301", "1", "0")])
    assert any(p.severity == ERROR and "没有名词解释" in p.message for p in check_disclosure(draft))
