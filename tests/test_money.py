from decimal import Decimal

import pytest

from budgets.money import MoneyFormField, format_amount, format_wan, format_yuan, total


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("87.5", "87.5"),
        ("218", "218"),
        ("0", "0"),
        ("11091.84", "11091.84"),
        ("0.4", "0.4"),
        ("87.500000", "87.5"),
        ("1.005", "1.01"),
        ("0.004", "0"),
    ],
)
def test_narrative_amounts_have_no_trailing_zeros(value, text):
    assert format_wan(Decimal(value)) == text


def test_table_amounts_have_two_decimals_and_separators():
    assert format_amount(Decimal("87.5")) == "87.50"
    assert format_amount(Decimal("11091.84")) == "11,091.84"
    assert format_amount(None) == ""


def test_yuan_tables_show_the_fen():
    assert format_yuan(Decimal("9101.681235")) == "91,016,812.35"


def test_totals_are_exact_and_skip_missing_values():
    assert total([Decimal("0.1")] * 3) == Decimal("0.3")
    assert total(
        [Decimal("10537.94"), Decimal("358.15"), Decimal("87.5"), Decimal("108.25"), None]
    ) == Decimal("11091.84")


def test_the_form_field_accepts_fen_and_refuses_less_or_negative():
    field = MoneyFormField(max_digits=20, decimal_places=6, min_value=Decimal(0))
    assert field.clean("9101.681235") == Decimal("9101.681235")
    with pytest.raises(Exception, match="精确到分"):
        field.clean("1.0000001")
    with pytest.raises(Exception, match="负数"):
        field.clean("-1")
    with pytest.raises(Exception, match="数字"):
        field.clean("abc")


def test_the_input_shows_a_stored_amount_without_padding():
    widget = MoneyFormField().widget
    assert widget.format_value(Decimal("11091.840000")) == "11091.84"
    assert widget.format_value(Decimal("9101.681235")) == "9101.681235"
    assert widget.format_value(Decimal("218.000000")) == "218.00"


def test_a_raw_amount_in_a_template_fails_the_suite():
    from django.template import Context, Template

    from tests.numberformat import RawNumberInTemplate

    with pytest.raises(RawNumberInTemplate):
        Template("{{ x }}").render(Context({"x": Decimal("87.5")}))
    assert Template("{{ x|wan }}万元").render(Context({"x": Decimal("87.5")})) == "87.5万元"
