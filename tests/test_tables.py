"""The standard tables: one definition each, printed as the region's catalogue says."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from budgets.figures import Comparison
from budgets.models import (
    BasicExpenditureLine,
    CatalogueTable,
    Disclosure,
    EconomicItem,
    ExpenditureLine,
    IncomeLine,
    NarrativeTemplate,
)
from budgets.models.catalogue import validate_table_key
from budgets.spreadsheets.template import template_workbook
from budgets.tables import COMMON_SET, REGISTRY, Entry, build_table
from budgets.workflow import record_publication
from portal.opendata.package import disclosure_records
from tests import factories
from tests.pagetext import visible_text

COMMON_TITLES = [
    "部门收支总表",
    "部门收入总表",
    "部门支出总表",
    "财政拨款收支总表",
    "一般公共预算支出表",
    "政府性基金预算支出表",
    "国有资本经营预算支出表",
    "一般公共预算基本支出表",
    "一般公共预算“三公”经费支出表",
]


def captions(html):
    return re.findall(r"<caption[^>]*>([^<（]+)（单位：", html)


def test_the_common_national_set_is_the_default_catalogue():
    assert [REGISTRY[entry.key].title for entry in COMMON_SET] == COMMON_TITLES


def test_the_reference_page_shows_every_table_of_its_catalogue_under_its_own_title(
    client, reference
):
    html = client.get(reference.get_absolute_url()).content.decode()
    template = NarrativeTemplate.objects.get(region__name="重庆市")
    expected = [e.title or REGISTRY[e.key].title for e in template.catalogue.all()]
    assert captions(html) == expected
    assert set(COMMON_TITLES) <= set(expected)


def test_an_empty_table_of_the_reference_is_printed_with_its_note(client, reference):
    page = visible_text(client.get(reference.get_absolute_url()).content.decode())
    assert "政府性基金预算支出表（单位：万元）" in page
    assert (
        "本表无数据：重庆市渝中区人民政府办公室2025年无使用政府性基金预算拨款安排的支出。" in page
    )
    assert "本表无数据：原文未公布基本支出的经济分类明细。" in page


def test_the_reference_summary_tables_carry_its_class_totals(client, reference):
    page = visible_text(client.get(reference.get_absolute_url()).content.decode())
    summary = page.split("部门收支总表（单位：万元）", 1)[1].split("部门收入总表", 1)[0]
    assert "一般公共预算拨款11,091.84一般公共服务支出10,537.94" in summary
    assert "收入合计11,091.84支出合计11,091.84" in summary
    grants = page.split("财政拨款收支总表（单位：万元）", 1)[1].split("一般公共预算支出表", 1)[0]
    assert "一般公共预算拨款11,091.84一般公共预算拨款支出11,091.84" in grants


@pytest.fixture
def region_with_catalogue(reference_data):
    region = factories.region("目录市")
    template = NarrativeTemplate.objects.create(
        name="目录市模板",
        region=region,
        first_year=2025,
        template_name="narratives/chongqing-budget-2025.html",
        table_unit="yuan",
        thousands_separator=False,
    )
    CatalogueTable.objects.create(template=template, order=1, key="expenditure", title="支出总表")
    CatalogueTable.objects.create(
        template=template, order=2, key="state-capital", empty_note="本局没有国有资本经营预算。"
    )
    return region


def test_a_region_prints_only_its_catalogues_tables_in_its_order_and_titles(
    client, region_with_catalogue
):
    department = factories.department(region_=region_with_catalogue)
    d = factories.disclosure(department, lines=[("2010301", "1234.5", "0")])
    html = client.get(d.get_absolute_url()).content.decode()
    assert captions(html) == ["支出总表", "国有资本经营预算支出表"]
    page = visible_text(html)
    assert "本表无数据：本局没有国有资本经营预算。" in page
    assert "12345000.00" in page and "12,345,000.00" not in page


def test_every_table_scrolls_in_a_labelled_focusable_region(client, reference):
    html = client.get(reference.get_absolute_url()).content.decode()
    regions = re.findall(
        r'<div class="table-wrap[^"]*" role="region" tabindex="0" aria-labelledby="([^"]+)"', html
    )
    assert len(regions) == NarrativeTemplate.objects.get(region__name="重庆市").catalogue.count()
    assert all(f'<caption id="{label}">' in html for label in regions)


def test_an_unknown_table_key_is_refused_with_the_known_ones():
    with pytest.raises(ValidationError, match="部门收支总表"):
        validate_table_key("no-such-table")


def add_basic_lines(d, **amounts):
    for code, (amount, prior) in amounts.items():
        BasicExpenditureLine.objects.create(
            disclosure=d,
            economic_item=EconomicItem.objects.get(year=d.year, code=code.removeprefix("c")),
            amount=Decimal(amount),
            prior_amount=Decimal(prior),
        )


def table_text(client, d, title):
    page = visible_text(client.get(d.get_absolute_url()).content.decode())
    return page.split(f"{title}（单位：万元）", 1)[1]


def test_basic_expenditure_rolls_up_to_class_with_personnel_and_public_costs(
    client, reference_data
):
    d = factories.disclosure(lines=[("2010301", "100", "0")], published=False)
    add_basic_lines(
        d,
        c30101=("60", "50"),
        c30102=("20", "20"),
        c30302=("5", "5"),
        c30201=("10", "12"),
        c31002=("5", "0"),
    )
    record_publication(disclosure=d)
    text = table_text(client, d, "一般公共预算基本支出表")
    assert "301工资福利支出80.0080.00—30101基本工资60.0060.00—" in text
    assert "302商品和服务支出10.00—10.00" in text
    assert "合计100.0085.0015.00" in text


def test_a_fund_table_gives_last_years_budget_the_change_and_its_percentage(client, reference_data):
    d = factories.disclosure(
        lines=[("2010301", "110", "0"), ("2010302", "0", "5")], published=False
    )
    d.expenditure_lines.filter(functional_item__code="2010301").update(prior_amount=100)
    d.expenditure_lines.filter(functional_item__code="2010302").update(prior_amount=0)
    record_publication(disclosure=d)
    text = table_text(client, d, "一般公共预算支出表")
    assert "2010301行政运行110.00110.000.00100.00+10.00+10.00%" in text
    # a line that comes from 0 has a change but no percentage
    assert "2010302一般行政管理事务5.000.005.000.00+5.00—" in text
    assert "合计115.00110.005.00100.00+15.00+15.00%" in text


def test_a_change_from_zero_has_no_percentage():
    assert Comparison(Decimal(5), Decimal(0)).percent is None
    assert Comparison(Decimal("91.69"), Decimal("100")).percent == Decimal("-8.31")


def test_the_official_expenses_table_with_the_operating_cost_as_some_regions_print_it(reference):
    """The reference's 三公 326.45 (prior 371.25) over its items, then its 机关运行经费 273.23
    (prior 285.98): a region picks this table in its catalogue instead of the plain one."""
    page = Disclosure.objects.for_page().get(pk=reference.pk)
    table = build_table(page, Entry("official-expenses-operating"))
    rows = {row.values[0]: (row.level, row.values[1:]) for row in table.rows}
    assert rows["一、“三公”经费合计"] == (
        0,
        (Decimal("326.45"), Decimal("371.25"), Decimal("-44.8")),
    )
    assert rows["公务接待费"][0] == 1
    assert rows["二、机关运行经费"] == (
        0,
        (Decimal("273.23"), Decimal("285.98"), Decimal("-12.75")),
    )
    assert table.total is None and not table.note
    assert [r.values[0] for r in table.rows][-1] == "二、机关运行经费"


def test_a_region_that_prints_the_operating_cost_in_its_official_expenses_table(
    client, region_with_catalogue
):
    template = NarrativeTemplate.objects.get(region=region_with_catalogue)
    CatalogueTable.objects.create(template=template, order=3, key="official-expenses-operating")
    department = factories.department(region_=region_with_catalogue)
    d = factories.disclosure(
        department,
        lines=[("2010301", "100", "0")],
        operating_cost=Decimal("12.5"),
        prior_operating_cost=Decimal("10"),
    )
    html = client.get(d.get_absolute_url()).content.decode()
    assert "一般公共预算“三公”经费及机关运行经费支出表" in captions(html)
    text = visible_text(html)
    assert "二、机关运行经费" in text, text[text.find("三公") :][:400]
    assert "125000.00" in text and "25000.00" in text
    csv = client.get(
        reverse("portal:disclosure_table_csv", args=[d.pk, "official-expenses-operating"])
    )
    assert "二、机关运行经费" in csv.content.decode("utf-8-sig")


def test_the_income_table_by_item_splits_each_row_by_the_sources_that_pay_for_it(
    client, region_with_catalogue
):
    """部门收入总表 printed by 科目 (rows) × 收入来源 (columns): 2010301 is paid 80 by the
    general budget and 20 by 事业收入; 2080505 only by the general budget (0 from 事业收入)."""
    template = NarrativeTemplate.objects.get(region=region_with_catalogue)
    CatalogueTable.objects.create(template=template, order=3, key="income-by-item")
    department = factories.department(region_=region_with_catalogue)
    d = factories.disclosure(
        department, lines=[("2010301", "50", "30"), ("2080505", "10", "0")], published=False
    )
    ExpenditureLine.objects.create(
        disclosure=d,
        source=factories.source("public_institution"),
        functional_item=factories.item("2010301"),
        basic=Decimal(0),
        project=Decimal(20),
    )
    IncomeLine.objects.create(
        disclosure=d, source=factories.source("public_institution"), amount=Decimal(20)
    )
    page = Disclosure.objects.for_page().get(pk=d.pk)
    table = build_table(page, Entry("income-by-item"))
    assert [c.title for c in table.columns] == [
        "科目编码",
        "科目名称",
        "合计",
        "一般公共预算拨款",
        "事业收入",
    ]
    rows = {row.values[0]: row.values[2:] for row in table.rows}
    assert rows["2010301"] == (Decimal(100), Decimal(80), Decimal(20))
    assert rows["201"] == (Decimal(100), Decimal(80), Decimal(20))
    assert rows["2080505"] == (Decimal(10), Decimal(10), Decimal(0))
    assert table.total.values[2:] == (Decimal(110), Decimal(90), Decimal(20))
    # The data package has one record per row and source.
    records = disclosure_records(page, "", [table])["income-by-item"]
    assert {(r["code"], r["source"], r["amount"]) for r in records if r["code"] == "2010301"} == {
        ("2010301", "一般公共预算拨款", Decimal(80)),
        ("2010301", "事业收入", Decimal(20)),
    }

    # The fill-in workbook shows it computed, for checking, beside the sheets it reads.
    book = openpyxl.load_workbook(io.BytesIO(template_workbook(d)))
    assert "部门收入总表" in book.sheetnames and "收入预算表" in book.sheetnames

    record_publication(disclosure=d)
    html = client.get(d.get_absolute_url()).content.decode()
    assert captions(html).count("部门收入总表") == 1
    csv = client.get(reverse("portal:disclosure_table_csv", args=[d.pk, "income-by-item"]))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "科目编码,科目名称,合计（万元）,一般公共预算拨款（万元）,事业收入（万元）"
    assert "2010301,行政运行,100.00,80.00,20.00" in lines, lines
