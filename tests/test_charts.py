"""Charts of a disclosure page: each sits on its table (the same numbers), has a one-sentence
text alternative, comes with its data as JSON (no inline script) and drills from 类 to 款/项."""

import json
import re
from decimal import Decimal

from budgets.money import format_amount
from budgets.workflow import record_publication
from tests import factories


def charts_and_tables(html):
    """{key: (chart data, caption sentence, the HTML of the table right after it)}."""
    found = {}
    for match in re.finditer(r'<figure class="chart" id="chart-([\w-]+)"', html):
        key = match.group(1)
        rest = html[match.end() :]
        data = re.search(
            rf'<script id="chart-{key}-data" type="application/json">(.*?)</script>', rest, re.S
        )
        caption = re.search(r"<figcaption>(.*?)</figcaption>", rest, re.S).group(1)
        table = rest[rest.index("<table") : rest.index("</table>")]
        found[key] = (json.loads(data.group(1)), caption, table)
    return found


def test_each_chart_sits_on_its_table_with_the_same_numbers(client, reference):
    html = client.get(reference.get_absolute_url()).content.decode()
    charts = charts_and_tables(html)
    assert set(charts) == {"income", "expenditure", "basic-project"}
    for key, (data, caption, table) in charts.items():
        assert f'<caption id="table-{key}">' in table, key
        assert data["sentence"] and data["sentence"] in caption
        assert data["sentence"].count("。") == 1  # one sentence
        for item in data["items"]:
            assert format_amount(Decimal(item["value"])) in table, (key, item)
    assert "基本支出2036.77万元" in charts["basic-project"][0]["sentence"]
    # Drawn by a static script from the JSON: no inline script on the page.
    assert re.findall(r"<script(?![^>]*(?:src=|application/json))", html) == []
    assert "vendor/echarts/echarts.common.min.js" in html and "portal/charts.js" in html


def test_the_expenditure_chart_drills_from_class_to_item_where_lines_exist(client, reference_data):
    d = factories.disclosure(lines=[("2010301", "100", "0"), ("2080505", "20", "5")])
    data = charts_and_tables(client.get(d.get_absolute_url()).content.decode())["expenditure"][0]
    general = data["items"][0]
    assert general["name"] == "201 一般公共服务支出" and general["value"] == "100.00"
    assert general["children"][0]["children"][0]["name"].startswith("2010301 ")
    assert "点击图中的“类”可展开到款、项" in data["sentence"]


def test_a_page_without_amounts_has_no_chart(client, reference_data):
    d = factories.disclosure(lines=[], income=0)
    assert "<figure" not in client.get(d.get_absolute_url()).content.decode()


def test_official_expenses_over_the_years_leave_out_unpublished_years():
    from portal.charts import official_expenses_over_years_chart

    chart = official_expenses_over_years_chart(
        [(2023, Decimal("400")), (2024, None), (2025, Decimal("326.45"))]
    )
    assert [i["name"] for i in chart["items"]] == ["2023年", "2025年"]  # 2024: not drawn as 0
    assert chart["sentence"] == "“三公”经费预算从2023年的400万元变为2025年的326.45万元。"
    assert official_expenses_over_years_chart([(2025, Decimal("1"))]) is None


def test_a_chart_include_renders_any_pages_chart_by_key():
    from django.template import Context, Template

    from portal.charts import official_expenses_over_years_chart

    chart = official_expenses_over_years_chart([(2024, Decimal("1")), (2025, Decimal("2"))])
    html = Template('{% load charts %}{% chart "official-expenses-years" %}').render(
        Context({"charts": {"official-expenses-years": chart}})
    )
    assert 'data-chart="chart-official-expenses-years-data"' in html
    assert 'role="img" aria-label="“三公”经费历年预算：' in html
    assert Template('{% load charts %}{% chart "none" %}').render(Context({})).strip() == ""


def test_the_department_page_draws_official_expenses_over_the_years_on_their_table(
    client, reference_data
):
    from budgets.models import OfficialExpenseItem, OfficialExpenseLine

    office = factories.department("三公测试局", factories.region("三公测试市"))
    reception = OfficialExpenseItem.objects.filter(children__isnull=True).first()
    for year, amount in ((2023, "12.5"), (2024, None), (2025, "10")):
        d = factories.disclosure(office, year, published=False, lines=[("2010301", "1", "0")])
        if amount:
            OfficialExpenseLine.objects.create(disclosure=d, item=reception, amount=amount)
        record_publication(disclosure=d)
    html = client.get(office.get_absolute_url()).content.decode()
    data, caption, table = charts_and_tables(html)["official-expenses-years"]
    assert [i["name"] for i in data["items"]] == ["2023年", "2025年"]
    assert "“三公”经费预算从2023年的12.5万元变为2025年的10万元。" in caption
    assert '<caption id="official-years-caption">' in table
    rows = re.findall(r'<th scope="row">(\d+)年</th><td class="num">([^<]+)</td>', table)
    assert rows == [("2023", "12.50"), ("2024", "—"), ("2025", "10.00")]
    assert "portal/charts.js" in html


def test_a_department_with_one_year_of_official_expenses_has_no_chart(client, reference_data):
    office = factories.department("一年局", factories.region("一年市"))
    factories.disclosure(office, 2025, lines=[("2010301", "1", "0")])
    html = client.get(office.get_absolute_url()).content.decode()
    assert "<figure" not in html and "portal/charts.js" not in html
