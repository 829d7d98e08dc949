"""Reading a disclosure: glossary terms linked from the narrative, the glossary grouped,
amounts of 1 亿元 or more also in 亿元 where the template asks, "—" only for what is not
published ("0.00" for zero), and a legend under each table."""

import re
from decimal import Decimal

from django.template import Context, Template
from django.urls import reverse

from portal.glossary_links import link_terms
from tests.pagetext import visible_text

GLOSSARY = [
    {"name": "基本支出", "definition": "保障机构正常运转的支出。"},
    {"name": "一般公共预算", "definition": "以税收为主体的财政收入。"},
    {"name": "一般公共预算拨款", "definition": "财政拨给的资金。"},
]
NARRATIVE = (
    '<section id="part-2"><h2>二、基本支出</h2><p>基本支出10万元，基本支出下降；'
    "一般公共预算拨款20万元，其中一般公共预算……</p></section>"
    '<section id="part-3"><p>基本支出<a href="#x">一般公共预算</a>再次出现。</p></section>'
    '<section id="part-6"><dl class="glossary">'
    '<div id="term-1"><dt>基本支出：</dt><dd id="term-1-definition">保障…</dd></div>'
    '<div id="term-2"><dt>一般公共预算：</dt><dd id="term-2-definition">税…</dd></div>'
    '<div id="term-3"><dt>一般公共预算拨款：</dt><dd id="term-3-definition">拨…</dd></div>'
    "</dl></section>"
)


def links(html):
    return re.findall(r'<a class="term" href="#(term-\d+)"[^>]*>([^<]+)</a>', html)


def test_the_first_occurrence_of_each_term_per_part_links_to_its_definition():
    html = link_terms(NARRATIVE, GLOSSARY)
    part2, part3, part6 = html.split("</section>")[:3]
    # Not in the heading; the longest term wins where terms overlap; each term once per part.
    assert links(part2) == [
        ("term-1", "基本支出"),
        ("term-3", "一般公共预算拨款"),
        ("term-2", "一般公共预算"),
    ]
    assert links(part3) == [("term-1", "基本支出")]  # never inside an existing link
    assert links(part6) == []  # nor in the glossary itself
    assert 'aria-describedby="term-1-definition" data-definition="保障机构正常运转的支出。"' in html
    assert visible_text(html) == visible_text(NARRATIVE)  # the text reads the same


def test_a_template_without_term_anchors_gets_no_links():
    html = NARRATIVE.replace('id="term-', 'id="entry-')
    assert link_terms(html, GLOSSARY) == html


def test_the_reference_page_links_its_terms(client, reference):
    html = client.get(reference.get_absolute_url()).content.decode()
    found = links(html)
    assert ("term-5", "“三公”经费") in found and ("term-1", "财政拨款收入") in found
    for anchor, _name in found:
        assert f'<div id="{anchor}">' in html and f'id="{anchor}-definition"' in html
    # …and its legend under each table: unit, what "—" means, how zero prints.
    tables = html.split('id="tables"')[1].split('<div class="table-wrap')[1:]
    assert len(tables) >= 10
    for table in tables:
        assert 'class="empty"' in table or "“—”表示该数未公开（不是零），零写作" in table
    assert html.count("“—”表示该数未公开（不是零），零写作“0.00”。") >= 8
    assert "单位：辆。“—”表示该数未公开（不是零），零写作“0”。" in html
    text = visible_text(html)
    assert "政府性基金预算拨款0.00" in text  # zero is 0.00 …
    assert "政府性基金预算拨款0.00—" in text  # … and last year's unpublished figure is —


def test_the_glossary_lists_general_terms_first_then_by_classification_code(client, reference):
    text = visible_text(client.get(reverse("portal:glossary")).content.decode())
    headings = re.findall(r"通用名词|支出功能分类\d{3}[^\d（]+?(?=\S{1,20}\d{7})", text)
    assert headings[0] == "通用名词"
    order = [text.index(h) for h in ("通用名词", "201一般公共服务支出", "208社会保障和就业支出")]
    assert order == sorted(order)
    general = [text.index(f"{name}指") for name in ("财政拨款收入", "其他收入", "基本支出", "“三公”经费")]
    assert general == sorted(general)  # in the order the documents print them
    assert text.index("“三公”经费") < text.index("行政运行2010301")
    assert text.index("行政运行2010301") < text.index("住房公积金2210201")


def render(source, **context):
    return Template("{% load narrative %}" + source).render(Context(context))


def test_amounts_of_one_yi_or_more_are_also_written_in_yi_where_the_template_asks():
    sentence = "{{ x|wan }}万元{{ x|yi }}"
    assert render(sentence, x=Decimal("11091.84")) == "11091.84万元（约1.11亿元）"
    assert render(sentence, x=Decimal("25000")) == "25000万元（2.50亿元）"
    assert render(sentence, x=Decimal("9999.99")) == "9999.99万元"
    assert render(sentence, x=None) == "万元"
    # The reference's region writes 万元 only: its page never shows 亿元.
