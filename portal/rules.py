"""The portal's consistency rule, registered with `budgets.rules`: a published wording
(原文措辞) is held to the sentence the page would generate from the data, which only the
portal can render."""

from django.template.loader import render_to_string
from django.utils.html import strip_tags

from budgets.rules import WARNING, Problem, rule
from budgets.wording import unsupported_figures

from .pages import body_data, get_disclosure


def generated_sentences(disclosure):
    """Each `{% sentence %}` of the disclosure's narrative as the data would word it."""
    context = body_data(get_disclosure(disclosure.pk, published_only=False))
    context["generated_sentences"] = generated = {}
    try:
        render_to_string(context["narrative_template"], context)
    except Exception:  # a broken template file: the page and publication report it, not this rule
        return None
    return {key: strip_tags(text) for key, text in generated.items()}


@rule
def published_wording_agrees(disclosure):
    """Every amount or count a published wording names is one the generated sentence names;
    a wording for a sentence the template does not print is shown nowhere."""
    wordings = list(disclosure.published_sentences.all()) if disclosure.pk else []
    if not wordings:
        return
    generated = generated_sentences(disclosure)
    if generated is None:
        return
    for wording in wordings:
        if wording.key not in generated:
            yield Problem(
                WARNING,
                "published_sentences",
                f"原文措辞“{wording.key}”在本地区模板中没有对应的句子，页面不会显示它；请核对句子名称。",
            )
            continue
        unsupported = unsupported_figures(wording.text, generated[wording.key])
        if unsupported:
            yield Problem(
                WARNING,
                "published_sentences",
                f"原文措辞“{wording.key}”中的{'、'.join(unsupported)}与填报的数据不一致"
                "（按数据生成的句子中没有这些数字），页面改为显示按数据生成的句子；"
                "请核对数据或原文措辞。",
            )
