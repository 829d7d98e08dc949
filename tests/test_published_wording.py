"""As published, word for word: a sentence's printed wording (原文措辞) is shown instead of
the generated one, and held to the data it speaks of."""

from decimal import Decimal

from django.urls import reverse

from budgets.models import Disclosure, OfficialExpenseLine, PublishedSentence
from budgets.rules import WARNING, check_disclosure
from budgets.workflow import record_publication
from tests.pagetext import visible_text


def wording_problems(d):
    found = check_disclosure(Disclosure.objects.get(pk=d.pk))
    return [p for p in found if p.field == "published_sentences"]


def test_a_correction_keeps_the_published_wording(draft):
    keys = set(draft.published_sentences.values_list("key", flat=True))
    assert "official-expenses" in keys and len(keys) == 4


def test_a_wording_whose_figures_the_data_no_longer_bears_out_is_flagged(draft):
    line = OfficialExpenseLine.objects.get(disclosure=draft, item__name="公务用车购置费")
    line.amount = Decimal(200)
    line.save()
    found = wording_problems(draft)
    assert [p.severity for p in found] == [WARNING]
    assert (
        "原文措辞“official-expenses”中的326.45万元、44.8万元、218万元、34万元与填报的数据不一致"
        in found[0].message
    )


def test_a_wording_for_a_sentence_the_template_does_not_print_is_flagged(draft):
    PublishedSentence.objects.create(
        disclosure=draft, key="composition:不存在的单位", text="某句。"
    )
    found = wording_problems(draft)
    assert len(found) == 1 and "在本地区模板中没有对应的句子" in found[0].message


def test_the_admin_lists_the_disagreement_linked_to_the_wordings(admin_client, draft):
    PublishedSentence.objects.filter(disclosure=draft, key="contact").delete()
    PublishedSentence.objects.create(
        disclosure=draft,
        key="contact",
        text="单位预算公开联系人：严天洁 联系方式：023-63259683，共3人",
    )
    page = admin_client.get(reverse("admin:budgets_disclosure_change", args=[draft.pk]))
    html = page.content.decode()
    assert 'href="#published_sentences-group">原文措辞“contact”中的3人与填报的数据不一致' in html


def test_a_wording_is_printed_as_text_never_as_markup(client, draft):
    PublishedSentence.objects.create(
        disclosure=draft, key="contact", text="联系人：<script>alert(1)</script>"
    )
    published = record_publication(disclosure=draft)
    html = client.get(published.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "联系人：alert(1)" not in visible_text(html)  # shown escaped, tags and all
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_wording_the_data_no_longer_bears_out_gives_way_to_the_generated_sentence(client, draft):
    line = OfficialExpenseLine.objects.get(disclosure=draft, item__name="公务用车购置费")
    line.amount = Decimal(200)
    line.save()
    published = record_publication(disclosure=draft)
    page = visible_text(client.get(published.get_absolute_url()).content.decode())
    assert "公务用车购置费200万元，比2024年减少52万元" in page
    assert "因公出国（境）费用0万元" not in page
    assert "公务用车购置费218万元，比2024年减少34万元" not in page
