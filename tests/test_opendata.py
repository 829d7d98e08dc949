"""Open data: the XLSX, CSV and JSON downloads of a published disclosure and the data package
of everything published render one structure, carry exact amounts and run no formula."""

import csv
import hashlib
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import frictionless
import jsonschema
import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.models import (
    Disclosure,
    ExpenditureLine,
    IncomeLine,
    KeyProject,
    OfficialExpenseItem,
    OfficialExpenseLine,
)
from budgets.money import format_amount
from budgets.sanitize import safe_text
from budgets.workflow import record_publication
from portal import opendata
from tests import factories
from tests.pagetext import visible_text

SCHEMA = Path(opendata.__file__).parent.parent / "static/portal/schema/disclosure.schema.json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AMOUNT_TEXT = re.compile(r"^-?\d+\.\d{2,6}$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
INJECTIONS = ["=1+1", "+cmd|' /C calc'!A0", "@SUM(1)", "\t=1+1", "-2+3", "\r=1"]


def draft(name="测试局", lines=(), **kwargs):
    """A draft department disclosure for 2025; `lines` are (code, basic, project) in 万元
    from 一般公共预算, and its income balances them."""
    d = Disclosure.objects.create(department=factories.department(name=name), year=2025, **kwargs)
    for code, basic, project in lines:
        ExpenditureLine.objects.create(
            disclosure=d,
            source=factories.source(),
            functional_item=factories.item(code),
            basic=Decimal(basic),
            project=Decimal(project),
        )
    income = sum((Decimal(b) + Decimal(p) for _, b, p in lines), Decimal(0))
    IncomeLine.objects.create(disclosure=d, source=factories.source(), amount=income)
    return d


def publish(disclosure):
    """Publish a draft built for a test (lines can be added to drafts only, so test data is
    built first and published last)."""
    return record_publication(disclosure=disclosure)


def urls(pk):
    return [
        reverse("portal:disclosure_xlsx", args=[pk]),
        reverse("portal:disclosure_json", args=[pk]),
        *(reverse("portal:disclosure_table_csv", args=[pk, key]) for key in opendata.TABLES),
    ]


def read_csv(response, *, bom=True):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") is bom
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def package_files(client, directory):
    """Download datapackage.json and every resource it names into `directory`."""
    descriptor = client.get(reverse("portal:datapackage")).json()
    (directory / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    for resource in descriptor["resources"]:
        name = resource["path"].removesuffix(".csv")
        response = client.get(reverse("portal:open_data_csv", args=[name]))
        assert response.status_code == 200
        (directory / resource["path"]).write_bytes(response.content)
    return descriptor


@pytest.fixture
def injected(reference_data):
    """A published disclosure whose every kind of text cell starts like a formula, with a
    negative change (a decrease) that must stay a signed number."""
    item = factories.item("2999999", name=INJECTIONS[0])
    d = draft("+注入测试局", lines=[(item.code, "10", "5")], income_change_reason="=1+1")
    for order, name in enumerate(INJECTIONS, start=1):
        KeyProject.objects.create(disclosure=d, order=order, name=name)
    OfficialExpenseLine.objects.create(
        disclosure=d,
        item=OfficialExpenseItem.objects.get(name="公务接待费"),
        amount=Decimal("1"),
        prior_amount=Decimal("2.5"),
        change_reason="@SUM(1)",
    )
    return publish(d)


# ---------------------------------------------------------------- the sanitiser


@pytest.mark.parametrize("text", INJECTIONS)
def test_the_sanitiser_prefixes_a_text_that_starts_like_a_formula(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["一般公共预算拨款", "2010301", "", "a=b", " =1"])
def test_the_sanitiser_leaves_other_texts_alone(text):
    assert safe_text(text) == text


def test_amounts_are_exact_decimal_text_without_float_artefacts():
    assert opendata.amount_text(Decimal("0.1") + Decimal("0.2")) == "0.30"
    assert opendata.amount_text(Decimal("11091.840000")) == "11091.84"
    assert opendata.amount_text(Decimal("1234.567891")) == "1234.567891"
    assert opendata.amount_text(Decimal("-91.69")) == "-91.69"
    assert opendata.amount_text(Decimal("-0.000000")) == "0.00"
    assert opendata.amount_text(None) is None


# ---------------------------------------------------------------- XLSX


def test_the_workbook_has_one_sheet_per_table_in_the_printed_layout(client, reference):
    response = client.get(reverse("portal:disclosure_xlsx", args=[reference.pk]))
    assert response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    # …then the optional sheets the import reads, which this region's catalogue leaves out.
    optional = ["单位价值较高的设备情况表", "政府采购预留份额表"]
    assert book.sheetnames == [t.title for t in opendata.disclosure_tables(reference)] + optional
    # The catalogue's titles, as the page prints them (the import reads these and the old ones).
    assert {"部门收入总表", "部门支出总表", "一般公共预算“三公”经费支出表"} <= set(book.sheetnames)
    assert not {"收入预算表", "“三公”经费预算表"} & set(book.sheetnames)

    income = book["部门收入总表"]
    assert income["A1"].value == "重庆市渝中区人民政府办公室2025年部门预算部门收入总表"
    assert income["F2"].value == "单位：万元"
    # The page's columns, then those only the import reads (budgets/spreadsheets/downloads.py).
    assert [c.value for c in income[3]] == [
        "收入来源",
        "2025年预算数",
        "2024年预算数",
        "增减",
        "上年执行数",
        "增减原因",
    ]
    first = income[4]
    assert first[0].value == "一般公共预算拨款"
    assert first[1].value == pytest.approx(11091.84) and first[1].data_type == "n"
    assert first[1].number_format == "#,##0.00"
    assert first[3].value == pytest.approx(748.5)
    total = income[income.max_row]
    assert total[0].value == "合计" and total[1].value == pytest.approx(11091.84)

    official = book["一般公共预算“三公”经费支出表"]
    rows = {r[0].value: r for r in official.iter_rows(min_row=4)}
    assert rows["合计"][1].value == pytest.approx(326.45)
    assert rows["公务用车购置费"][3].value == pytest.approx(-34)  # a decrease stays a number
    assert official.cell(rows["公务用车购置费"][0].row, 1).alignment.indent == 2

    expenditure = {r[0].value: r for r in book["部门支出总表"].iter_rows(min_row=4)}
    assert expenditure["201"][2].value == pytest.approx(10537.94)
    assert expenditure["合计"][3].value == pytest.approx(2036.77)
    assert expenditure["合计"][4].value == pytest.approx(9055.07)
    procurement = {r[0].value: r for r in book["政府采购预算表"].iter_rows(min_row=4)}
    assert procurement["合计"][-1].value == pytest.approx(2241.48)


def test_every_amount_cell_of_the_workbook_is_a_number(client, reference):
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("portal:disclosure_xlsx", args=[reference.pk])).content)
    )
    for sheet in book:
        for row in sheet.iter_rows(min_row=4):
            for cell in row:
                if isinstance(cell.value, str):
                    assert not AMOUNT_TEXT.match(cell.value.replace(",", "")), cell.coordinate


def test_an_empty_table_keeps_its_header_and_says_why(client, reference):
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("portal:disclosure_xlsx", args=[reference.pk])).content)
    )
    sheet = book["一般公共预算基本支出表"]
    headers = ["科目编码", "科目名称", "金额", "人员经费", "公用经费"]
    assert [c.value for c in sheet[3]] == [*headers, "上年预算数"]  # + what the import reads
    assert sheet["A4"].value.startswith("本表无数据：") and sheet.max_row == 4
    rows = read_csv(
        client.get(reverse("portal:disclosure_table_csv", args=[reference.pk, "basic-economic"]))
    )
    assert rows[0] == [
        "科目编码",
        "科目名称",
        "金额（万元）",
        "人员经费（万元）",
        "公用经费（万元）",
    ]
    assert rows[1][0].startswith("本表无数据：") and len(rows) == 2


# ---------------------------------------------------------------- CSV


def test_a_table_downloads_as_csv_with_a_bom_and_a_chinese_file_name(client, reference):
    response = client.get(reverse("portal:disclosure_table_csv", args=[reference.pk, "income"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(
        f"attachment; filename=\"disclosure-{reference.pk}-2025-income.csv\"; filename*=UTF-8''"
    )
    assert (
        "%E9%83%A8%E9%97%A8%E6%94%B6%E5%85%A5%E6%80%BB%E8%A1%A8.csv" in disposition
    )  # 部门收入总表.csv
    rows = read_csv(response)
    assert rows[0] == ["收入来源", "2025年预算数（万元）", "2024年预算数（万元）", "增减（万元）"]
    assert rows[1] == ["一般公共预算拨款", "11091.84", "10343.34", "748.50"]
    assert rows[-1] == ["合计", "11091.84", "10343.34", "748.50"]


def test_the_csv_tables_carry_the_reference_figures(client, reference):
    def rows(key):
        return read_csv(
            client.get(reverse("portal:disclosure_table_csv", args=[reference.pk, key]))
        )

    def table(key):
        return {row[0]: row for row in rows(key)[1:]}

    assert table("expenditure")["201"] == ["201", "一般公共服务支出", "10537.94", "", ""]
    assert table("expenditure")["合计"] == ["合计", "", "11091.84", "2036.77", "9055.07"]
    assert table("basic-project")["基本支出"] == ["基本支出", "2036.77", "2128.46", "-91.69"]
    assert table("official-expenses")["合计"] == ["合计", "326.45", "371.25", "-44.80"]
    assert table("procurement")["合计"] == ["合计", "18.20", "400.00", "1823.28", "2241.48"]
    assert table("vehicles")["合计"] == ["合计", "9", "12"]
    assert rows("vehicles")[0] == [
        "车辆类型",
        "实有车辆（截至2024年12月，辆）",
        "2025年拟购置（辆）",
    ]
    projects = rows("key-projects")
    assert projects[0] == ["序号", "项目名称", "金额（万元）"]
    assert projects[1] == ["1", "接待、考察、会议活动及综合保障项目", ""]
    assert projects[25][0] == "25" and projects[26][0].startswith("说明：")


def test_an_unknown_table_or_resource_is_404(client, reference):
    assert client.get(f"/disclosures/{reference.pk}/tables/nothing.csv").status_code == 404
    assert client.get("/open-data/nothing.csv").status_code == 404


# ---------------------------------------------------------------- JSON


@pytest.fixture
def document(client, reference):
    response = client.get(reverse("portal:disclosure_json", args=[reference.pk]))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f"inline; filename=\"disclosure-{reference.pk}-2025.json\"; filename*=UTF-8''"
    )
    return json.loads(response.content)


def test_the_json_is_valid_against_the_shipped_schema(document, reference):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)
    assert list(document["tables"]) == [t.key for t in opendata.disclosure_tables(reference)]
    assert set(opendata.TABLES) <= set(document["tables"])  # what the import reads


def test_the_schema_is_served_at_its_documented_address(client, db):
    response = client.get("/open-data/disclosure.schema.json")
    assert response["Content-Type"] == "application/schema+json"
    assert response.content == SCHEMA.read_bytes()


def test_the_json_holds_exact_amounts_and_the_reference_figures(document):
    tables = document["tables"]
    assert tables["income"]["total"]["values"] == {
        "source": "合计",
        "amount": "11091.84",
        "prior_amount": "10343.34",
        "change": "748.50",
    }
    assert tables["official-expenses"]["total"]["values"]["amount"] == "326.45"
    assert tables["procurement"]["total"]["values"] == {
        "source": "合计",
        "category:货物": "18.20",
        "category:工程": "400.00",
        "category:服务": "1823.28",
        "amount": "2241.48",
    }
    assert tables["basic-economic"]["rows"] == [] and tables["basic-economic"]["total"] is None
    assert tables["basic-economic"]["note"].startswith("本表无数据：")
    assert document["other_figures"]["operating_cost"] == {
        "amount": "273.23",
        "prior_amount": "285.98",
        "change": "-12.75",
    }
    assert document["published_on"] == "2025-02-12" and document["region"] == ["重庆市", "渝中区"]


def recomputed_checksum(document):
    """The recipe of portal/opendata.md, written out independently of the portal's code."""
    content = {k: v for k, v in document.items() if k not in ("links", "content_checksum")}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_published_version_carries_the_checksum_of_its_canonical_json(reference, document):
    stored = Disclosure.objects.get(pk=reference.pk).content_checksum
    assert re.fullmatch(r"[0-9a-f]{64}", stored)
    assert document["content_checksum"] == stored == recomputed_checksum(document)


def test_the_page_prints_the_checksum_beside_the_json_download(client, reference):
    stored = Disclosure.objects.get(pk=reference.pk).content_checksum
    page = visible_text(client.get(reference.get_absolute_url()).content.decode())
    assert f"内容校验码（SHA-256，公开时计算，此后不变）：{stored}" in page


def test_a_correction_gets_its_own_checksum_and_the_corrected_version_keeps_its_own(
    client, reference, superuser
):
    from budgets.workflow import disclosure_correct

    before = Disclosure.objects.get(pk=reference.pk).content_checksum
    correction = disclosure_correct(disclosure=reference, user=superuser, reason="更正电话")
    assert correction.content_checksum == ""
    Disclosure.objects.filter(pk=correction.pk).update(contact_phone="023-00000000")
    correction = record_publication(disclosure=Disclosure.objects.get(pk=correction.pk))
    document = client.get(reverse("portal:disclosure_json", args=[correction.pk])).json()
    assert correction.content_checksum == recomputed_checksum(document) != before
    assert Disclosure.objects.get(pk=reference.pk).content_checksum == before


def test_the_json_matches_the_page(client, reference, document):
    page = visible_text(client.get(reference.get_absolute_url()).content.decode())
    for key in ("income", "expenditure", "official-expenses", "procurement"):
        for value in document["tables"][key]["total"]["values"].values():
            if value and AMOUNT_TEXT.match(value):
                assert format_amount(Decimal(value)) in page, (key, value)
    for row in document["tables"]["expenditure"]["rows"]:
        assert f"{row['values']['code']}{row['values']['name']}" in page


def test_the_json_costs_the_same_queries_however_large_the_disclosure(
    client, reference_data, django_assert_num_queries
):
    lines = [("2010301", "100", "0"), ("2010302", "0", "50")]
    small = publish(draft("小局", lines))
    grown = publish(factories.grow(draft("大局", lines), 12))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal:disclosure_json", args=[small.pk])).status_code == 200
    with django_assert_num_queries(len(queries.captured_queries)):
        response = client.get(reverse("portal:disclosure_json", args=[grown.pk]))
    assert len(response.json()["tables"]["key-projects"]["rows"]) == 12


# ---------------------------------------------------------------- the data package


def test_the_data_package_is_valid_and_holds_the_reference_rows(client, reference, tmp_path):
    package_files(client, tmp_path)
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    package = frictionless.Package(tmp_path / "datapackage.json")
    rows = {r.name: r.read_rows() for r in package.resources}
    assert [r["disclosure_id"] for r in rows["disclosures"]] == [reference.pk]
    assert rows["disclosures"][0]["published_on"].isoformat() == "2025-02-12"
    income = rows["income"][0]
    assert (income["source"], income["amount"], income["direction"], income["phase"]) == (
        "一般公共预算拨款",
        Decimal("11091.84"),
        "revenue",
        "approved",
    )
    assert (income["currency"], income["amount_unit"], income["fiscal_year"]) == (
        "CNY",
        "万元",
        2025,
    )
    expenditure = {r["code"]: r for r in rows["expenditure"]}
    assert expenditure["221"]["amount"] == Decimal("108.25")
    assert sum(r["amount"] for r in rows["expenditure"] if r["row_level"] == 0) == Decimal(
        "11091.84"
    )
    assert sum(r["amount"] for r in rows["official-expenses"] if r["row_level"] == 0) == Decimal(
        "326.45"
    )
    assert {(r["category"], r["amount"]) for r in rows["procurement"]} == {
        ("货物", Decimal("18.2")),
        ("工程", Decimal("400")),
        ("服务", Decimal("1823.28")),
    }
    assert {r["table"] for r in rows["table-notes"]} >= {"basic-economic", "expenditure"}


def test_the_data_package_csv_is_plain_utf8(client, reference):
    response = client.get(reverse("portal:open_data_csv", args=["income"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="income.csv"')
    assert read_csv(response, bom=False)[0][:3] == [
        "disclosure_id",
        "fiscal_year",
        "department_code",
    ]


def test_the_data_package_costs_the_same_queries_however_many_disclosures(
    client, reference_data, django_assert_num_queries
):
    lines = [("2010301", "100", "0"), ("2080505", "20", "0")]
    publish(draft("第一局", lines))
    url = reverse("portal:open_data_csv", args=["expenditure"])
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    for i in range(3):
        publish(draft(f"又一局{i}", lines))
    with django_assert_num_queries(len(queries.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("行政运行") == 4


# ---------------------------------------------------------------- safety and publication


def test_no_export_path_lets_a_text_cell_start_like_a_formula(client, injected, tmp_path):
    def check(cells, where):
        for cell in cells:
            if isinstance(cell, str) and cell.startswith(FORMULA_START):
                assert AMOUNT_TEXT.match(cell), f"{where}: {cell!r}"

    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("portal:disclosure_xlsx", args=[injected.pk])).content)
    )
    for sheet in book:
        check((c.value for row in sheet.iter_rows() for c in row), sheet.title)
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    projects = [r[1].value for r in book["重点项目表"].iter_rows(min_row=4, max_row=9)]
    # (XML reads a carriage return back as a line feed; the apostrophe is what counts)
    assert projects == ["'" + text.replace("\r", "\n") for text in INJECTIONS]
    official = {r[0].value: r for r in book["一般公共预算“三公”经费支出表"].iter_rows(min_row=4)}
    assert official["公务接待费"][3].value == pytest.approx(-1.5)
    expenditure = {r[0].value: r for r in book["部门支出总表"].iter_rows(min_row=4)}
    assert expenditure["2999999"][1].value == "'=1+1"

    for key in opendata.TABLES:
        url = reverse("portal:disclosure_table_csv", args=[injected.pk, key])
        rows = read_csv(client.get(url))
        check((cell for row in rows for cell in row), key)
    official_csv = read_csv(
        client.get(reverse("portal:disclosure_table_csv", args=[injected.pk, "official-expenses"]))
    )
    assert ["公务接待费", "1.00", "2.50", "-1.50"] in official_csv

    package_files(client, tmp_path)
    for path in tmp_path.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as file:
            check((cell for row in csv.reader(file) for cell in row), path.name)
    departments = (tmp_path / "disclosures.csv").read_text(encoding="utf-8")
    assert "'+注入测试局" in departments

    # JSON is data, not a spreadsheet: it carries the texts exactly as entered.
    document = client.get(reverse("portal:disclosure_json", args=[injected.pk])).json()
    names = [row["values"]["name"] for row in document["tables"]["key-projects"]["rows"]]
    assert names == INJECTIONS and document["texts"]["income_change_reason"] == "=1+1"


def test_a_draft_has_no_downloads(client, reference_data):
    unpublished = draft(lines=[("2010301", "1", "0")])
    for url in urls(unpublished.pk):
        assert client.get(url).status_code == 404, url
    assert (
        client.get(reverse("portal:open_data_csv", args=["disclosures"]))
        .content.decode("utf-8")
        .count("\n")
        == 1
    )  # the header only
    assert (
        "测试局"
        not in client.get(reverse("portal:open_data_csv", args=["income"])).content.decode()
    )


def test_the_page_links_every_download(client, reference):
    html = client.get(reference.get_absolute_url()).content.decode()
    for url in [*urls(reference.pk), reverse("portal:datapackage")]:
        assert f'href="{url}"' in html, url
    assert 'aria-labelledby="downloads-heading"' in html
    text = visible_text(html)
    assert "下载本文件的数据" in text and "opendata" not in text


def test_the_data_package_holds_a_corrected_disclosure_once(client, reference, draft, tmp_path):
    corrected = record_publication(disclosure=draft)
    package_files(client, tmp_path)
    package = frictionless.Package(tmp_path / "datapackage.json")
    disclosures = next(r for r in package.resources if r.name == "disclosures").read_rows()
    assert [r["disclosure_id"] for r in disclosures] == [corrected.pk]
    # The first version keeps its own downloads at its permanent address.
    assert client.get(reverse("portal:disclosure_json", args=[reference.pk])).status_code == 200


def test_a_corrected_versions_json_says_which_version_it_corrects(client, reference, draft):
    corrected = record_publication(disclosure=draft)
    document = client.get(reverse("portal:disclosure_json", args=[corrected.pk])).json()
    assert (document["revision"], document["supersedes"], document["correction_reason"]) == (
        2,
        reference.pk,
        "测试用更正",
    )
