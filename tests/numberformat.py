"""Fail the suite when a raw amount reaches a template (STYLE.md §12, after Wagtail's
wagtail/test/numberformat.py): every Decimal or float must pass through |wan or |amount.
Whole numbers (years, counts) may be printed as they are."""

from decimal import Decimal

from django.utils import numberformat

_original_format = numberformat.format


class RawNumberInTemplate(AssertionError):
    pass


def guarded_format(number, decimal_sep, decimal_pos=None, *args, **kwargs):
    # A template's `{{ amount }}` arrives without decimal_pos; the admin's read-only
    # display of a DecimalField passes the field's decimal places on purpose.
    if isinstance(number, Decimal | float) and decimal_pos is None:
        raise RawNumberInTemplate(f"模板直接输出了金额 {number!r}，请使用 |wan 或 |amount 过滤器。")
    return _original_format(number, decimal_sep, decimal_pos, *args, **kwargs)


def install():
    numberformat.format = guarded_format
