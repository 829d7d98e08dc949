"""The first acceptance test: every fact of the reference document is on its public page,
and the generated sentences of parts 二 to 五 read as the document's own."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tests.pagetext import squash, visible_text

PART_HEADINGS = [
    "一、单位基本情况",
    "二、部门收支总体情况",
    "三、部门预算情况说明",
    "四、“三公”经费情况说明",
    "五、其他重要事项的情况说明",
    "六、专业性名词解释",
]


def part(text, start, end=None):
    body = text.split(start, 1)[1]
    return body.split(end, 1)[0] if end else body


@pytest.fixture
def disclosure_page(client, reference):
    response = client.get(reference.get_absolute_url())
    assert response.status_code == 200
    return visible_text(response.content.decode())


def test_every_amount_and_count_of_the_reference_is_on_the_page(disclosure_page, reference_text):
    amounts = set(re.findall(r"\d+(?:\.\d+)?万元", reference_text))
    counts = set(re.findall(r"\d+(?:人|辆|个科室)", reference_text))
    assert len(amounts) > 20 and len(counts) >= 6
    missing = sorted(fact for fact in amounts | counts if fact not in disclosure_page)
    assert missing == []


def test_every_duty_paragraph_is_on_the_page(disclosure_page, reference_text):
    duties_part = part(reference_text, "（一）职能职责。", "（二）单位构成。")
    duties = [
        re.sub(r"^（\d+）", "", line.strip())
        for line in duties_part.splitlines()
        if line.strip().startswith("（")
    ]
    assert len(duties) == 45
    assert [d for d in duties if squash(d) not in disclosure_page] == []


def test_every_unit_and_section_is_on_the_page(disclosure_page, reference_text):
    composition = part(reference_text, "（二）单位构成。", "二、部门收支总体情况")
    sections = []
    for listing in re.findall(r"(?:分别是：|现设有)([^。]+?)。", composition):
        sections += [
            s
            for s in re.split(r"、|和", listing)
            if s.endswith("科") or s.endswith("室") or "（" in s
        ]
    assert len(sections) == 20
    units = re.findall(r"^\d\.\s*(重庆市\S+)$", reference_text, flags=re.M)
    assert len(units) == 4
    assert [name for name in sections + units if name not in disclosure_page] == []
    assert (
        "机构规格为正科级" in disclosure_page
        and disclosure_page.count("经费渠道为财政全额拨款") == 2
    )
    assert disclosure_page.count("公益一类事业单位") == 2


def test_every_glossary_term_and_definition_is_on_the_page(disclosure_page, reference_text):
    glossary = part(reference_text, "六、专业性名词解释", "单位预算公开联系人")
    terms = re.findall(r"^（[一二三四五六七八九十]+）([^：\n]+)：(.+)$", glossary, flags=re.M)
    assert len(terms) == 19
    for term, definition in terms:
        assert f"{term}：{squash(definition)}" in disclosure_page


def test_the_headings_key_projects_and_contact_line_are_on_the_page(
    disclosure_page, reference_text
):
    assert [h for h in PART_HEADINGS if h not in disclosure_page] == []
    projects = part(reference_text, "主要用于接待", "等重点工作").split("；")
    assert len(projects) == 25 and all(squash(p) in disclosure_page for p in projects)
    assert "单位预算公开联系人：严天洁联系方式：023-63259683" in disclosure_page
    assert "重庆市渝中区人民政府办公室2025年部门预算情况说明" in disclosure_page
    assert "2025年2月12日" in disclosure_page


def test_generated_sentences_of_parts_two_to_five_match_the_reference(
    disclosure_page, reference_text
):
    body = squash(part(reference_text, "二、部门收支总体情况", "六、专业性名词解释"))
    for heading in PART_HEADINGS[1:5]:
        body = body.replace(heading, "")
    sentences = [s + "。" for s in body.split("。") if s]
    assert len(sentences) >= 15
    assert [s for s in sentences if s not in disclosure_page] == []


def test_every_line_of_the_reference_is_on_the_page_word_for_word(disclosure_page, reference_text):
    """The document entered from print reads as printed, its slips included (原文措辞)."""
    lines = [squash(line) for line in reference_text.splitlines() if line.strip()]
    assert len(lines) == 91
    assert [line for line in lines if line not in disclosure_page] == []


def test_the_page_shows_the_published_wording_instead_of_the_generated_sentence(
    disclosure_page,
):
    assert "其中：因公出国（境）费用0万元" in disclosure_page
    assert "重庆市渝中区人民政府办公室（本级）" not in disclosure_page
    assert "6个科室，分别是：" not in disclosure_page


def test_headings_come_in_the_templates_order(disclosure_page):
    positions = [
        disclosure_page.index(h, disclosure_page.index("一、单位基本情况（一）"))
        if i
        else disclosure_page.index("一、单位基本情况（一）")
        for i, h in enumerate(PART_HEADINGS)
    ]
    assert positions == sorted(positions)


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_page_runs_the_same_number_of_queries_however_large(client, reference, draft):
    from budgets.workflow import record_publication

    factories.grow(draft, 12)
    grown = record_publication(disclosure=draft)
    # Both now list their revisions (the sole revision's page spares that query).
    small = count_queries(client, reference.get_absolute_url())
    assert count_queries(client, grown.get_absolute_url()) == small <= 15  # one per line table
    assert "附加单位11" in client.get(grown.get_absolute_url()).content.decode()


def test_the_staff_preview_runs_the_same_number_of_queries_however_large(admin_client, draft):
    url = reverse("portal:preview", args=[draft.pk])
    small = count_queries(admin_client, url)
    factories.grow(draft, 12)
    assert count_queries(admin_client, url) == small


def add_spending_lines(d, n, start=0):
    """n more 项 expenditure lines (numbered from `start`), each of its own new item, from
    two sources."""
    from decimal import Decimal

    from budgets.models import (
        ClassificationScheme,
        ClassificationVersion,
        ExpenditureLine,
        FunctionalItem,
        IncomeSource,
    )

    version = ClassificationVersion.objects.annual(ClassificationScheme.FUNCTIONAL, d.year)
    items = FunctionalItem.objects.bulk_create(
        FunctionalItem(
            version=version, year=d.year, code=f"29{i // 50:03d}{i % 50:02d}", name=f"合成项{i}"
        )
        for i in range(start, start + n)
    )
    sources = list(IncomeSource.objects.filter(code__in=["general_budget", "government_fund"]))
    ExpenditureLine.objects.bulk_create(
        ExpenditureLine(
            disclosure=d,
            source=sources[(i + start) % 2],
            functional_item=item,
            basic=Decimal(i + start) / 100,
            project=Decimal(1),
            prior_amount=Decimal(2),
        )
        for i, item in enumerate(items)
    )


def test_preview_and_publication_run_the_same_number_of_queries_however_many_lines(
    admin_client, draft
):
    """Issue 10: building the body from 10 or 200 expenditure lines costs the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal import pages

    def counts():
        with CaptureQueriesContext(connection) as body:
            pages.publication_body(draft)
        return count_queries(admin_client, reverse("portal:preview", args=[draft.pk])), len(body)

    add_spending_lines(draft, 10)
    small = counts()
    add_spending_lines(draft, 190, start=10)
    assert counts() == small


def test_a_draft_is_not_public(client, reference, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404
    home = client.get(reverse("portal:home")).content.decode()
    assert reference.get_absolute_url() in home and draft.get_absolute_url() not in home
