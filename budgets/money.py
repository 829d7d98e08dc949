"""The one money type: amounts in 万元 with six decimals, i.e. exact to the fen (分).

Narratives print 万元 without trailing zeros (`87.5`), tables print two decimals (`87.50`).
Amounts are never floats; sums are exact because every stored value is a multiple of 1 分.
"""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

FEN = Decimal("0.000001")  # 1 分 expressed in 万元
CENT_OF_WAN = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)
ZERO = Decimal(0)


def to_wan_2(value):
    """Round an amount in 万元 to two decimals, the way documents print it."""
    return Decimal(value).quantize(CENT_OF_WAN, rounding=ROUND_HALF_UP)


def format_wan(value):
    """Narrative form: 万元, at most two decimals, no trailing zeros (`87.5`, `218`, `0`)."""
    if value is None:
        return ""
    text = f"{to_wan_2(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def format_amount(value, separators=True):
    """Table form: 万元 with two decimals and thousands separators (`11,091.84`)."""
    if value is None:
        return ""
    return f"{to_wan_2(value):{',' if separators else ''}.2f}"


def format_yuan(value, separators=True):
    """Table form in 元 (`91,016,812.35`), for templates whose tables are in 元."""
    if value is None:
        return ""
    yuan = (Decimal(value) * TEN_THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{yuan:{',' if separators else ''}.2f}"


def total(values):
    """Exact sum of amounts, ignoring missing ones (None)."""
    return sum((Decimal(v) for v in values if v is not None), ZERO)


class MoneyInput(forms.NumberInput):
    """Shows `11091.84` rather than the stored `11091.840000`."""

    def format_value(self, value):
        if isinstance(value, Decimal):
            text = f"{value:f}"
            if "." in text:
                head, tail = text.split(".")
                tail = tail.rstrip("0").ljust(2, "0")
                text = f"{head}.{tail}"
            return text
        return super().format_value(value)


class MoneyFormField(forms.DecimalField):
    default_error_messages = {
        "invalid": _("请输入数字金额（单位：万元）。"),
        "max_decimal_places": _("金额最多精确到分，即万元后六位小数。"),
        "max_digits": _("金额过大，请检查单位是否为万元。"),
        "max_whole_digits": _("金额过大，请检查单位是否为万元。"),
        "min_value": _("金额不能为负数。"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MoneyInput(attrs={"step": "0.000001", "inputmode": "decimal"}))
        super().__init__(**kwargs)


class YuanFormField(MoneyFormField):
    """The same amount typed in 元 (two decimals), for a contact person copying a table printed
    in 元: shown ×10,000 and stored ÷10,000 in 万元, exactly (1 分 = 0.000001 万元)."""

    default_error_messages = {
        "invalid": _("请输入数字金额（单位：元）。"),
        "max_digits": _("金额过大，请检查单位是否为元。"),
        "max_whole_digits": _("金额过大，请检查单位是否为元。"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MoneyInput(attrs={"step": "0.01", "inputmode": "decimal"}))
        super().__init__(**kwargs)
        if self.label:
            self.label = str(self.label).replace("万元", "元")

    def prepare_value(self, value):
        # A stored amount (Decimal, 万元) is shown in 元; text the person typed stays as typed.
        if isinstance(value, Decimal):
            return (value * TEN_THOUSAND).quantize(Decimal("0.01"))
        return value

    def to_python(self, value):
        yuan = super().to_python(value)
        if yuan is None:
            return None
        if yuan.as_tuple().exponent < -2:
            raise forms.ValidationError(_("以元填写时最多两位小数（到分）。"), code="yuan_places")
        return yuan / TEN_THOUSAND


class MoneyField(models.DecimalField):
    """An amount in 万元, stored with six decimals (exact to the fen), never negative."""

    def __init__(self, verbose_name=None, **kwargs):
        kwargs.setdefault("max_digits", 20)
        kwargs.setdefault("decimal_places", 6)
        kwargs.setdefault("validators", [MinValueValidator(ZERO)])
        super().__init__(verbose_name, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_digits", 20), ("decimal_places", 6)):
            if kwargs.get(key) == default:
                del kwargs[key]
        kwargs.pop("validators", None)
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MoneyFormField, "min_value": ZERO, **kwargs})
