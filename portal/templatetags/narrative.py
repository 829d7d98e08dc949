"""Sentence pieces of the generated narrative: change phrases, numbering, dates."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import conditional_escape, strip_tags

from budgets.money import format_wan
from budgets.wording import unsupported_figures

register = template.Library()

DIGITS = "零一二三四五六七八九"
YI = Decimal(10000)  # 1 亿元 in 万元


def chinese_numeral(n):
    """1 → 一, 10 → 十, 14 → 十四, 20 → 二十, 99 → 九十九 (enough for numbered parts)."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


@register.filter
def cn_numeral(n):
    return chinese_numeral(int(n))


@register.simple_tag
def change(comparison, word="比", label="上年"):
    """`比2024年增加748.5万元`, `比2024年减少0.4万元` or `与2024年持平`; empty if unknown."""
    direction = comparison.direction
    if direction is None:
        return ""
    if direction == "flat":
        return f"与{label}持平"
    verb = "增加" if direction == "increase" else "减少"
    return f"{word}{label}{verb}{format_wan(abs(comparison.change))}万元"


@register.filter
def yi(value):
    """`（1.11亿元）` after an amount in 万元 of 1 亿元 or more (`（约1.11亿元）` when rounded),
    else nothing: a region's template that writes large amounts in 亿元 too puts
    `{{ x|wan }}万元{{ x|yi }}`; one that does not, leaves it out."""
    if value is None or abs(value) < YI:
        return ""
    exact = Decimal(value) / YI
    shown = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"（{'' if shown == exact else '约'}{shown}亿元）"


@register.filter
def cn_date(value):
    """2025-02-12 → 2025年2月12日."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


@register.filter
def cn_month(value):
    """2024-12-31 → 2024年12月."""
    return f"{value.year}年{value.month}月" if value else ""


@register.filter
def delta(comparison):
    """`增加840.19万元`, `减少91.69万元` or `持平` (no comparison word)."""
    direction = comparison.direction
    if direction is None:
        return ""
    if direction == "flat":
        return "持平"
    verb = "增加" if direction == "increase" else "减少"
    return f"{verb}{format_wan(abs(comparison.change))}万元"


@register.filter
def income_from(figures, source_code):
    return figures.income_from(source_code)


@register.filter
def nonzero(lines):
    """The lines whose amount is neither missing nor 0 (a sentence lists only those)."""
    return [line for line in lines if line.amount]


@register.filter
def appropriation_from(figures, source_code):
    return figures.appropriation_from(source_code)


@register.filter
def split_from(figures, source_code):
    """(basic, project) comparisons of one source's expenditure."""
    return figures.split_from(source_code)


class SentenceNode(template.Node):
    def __init__(self, key_parts, nodelist):
        self.key_parts, self.nodelist = key_parts, nodelist

    def render(self, context):
        key = "".join(str(part.resolve(context)) for part in self.key_parts)
        generated = self.nodelist.render(context)
        collected = context.get("generated_sentences")
        if collected is not None:
            collected[key] = generated
        published = (context.get("published_sentences") or {}).get(key)
        # A wording whose figures the data no longer bears out (a correction changed them)
        # gives way to the generated sentence: the page never prints an unsupported figure.
        if published is None or unsupported_figures(published, strip_tags(generated)):
            return generated
        return conditional_escape(published)


@register.tag
def sentence(parser, token):
    """`{% sentence "official-expenses" %}…{% endsentence %}`: a generated sentence that the
    disclosure may replace with its published wording (PublishedSentence with that key),
    shown only while every figure it names is one the generated sentence names.
    The key may be built from several parts: `{% sentence "composition:" unit.name %}`."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("sentence 标签需要句子名称。")
    nodelist = parser.parse(("endsentence",))
    parser.delete_first_token()
    return SentenceNode([parser.compile_filter(bit) for bit in bits], nodelist)
