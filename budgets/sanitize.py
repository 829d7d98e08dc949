"""The one sanitiser for text cells that a spreadsheet may open (STACK.md, formula escaping).

Excel, WPS and LibreOffice run a cell that starts with `=`, `+`, `-` or `@` as a formula, and
a leading tab or carriage return can smuggle one past a naive check. Every CSV and XLSX
export passes each of its text cells through `safe_text`; amounts and counts are written as
numbers and never pass through it, so a negative amount keeps its sign and stays a number.
"""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """`value` as text no spreadsheet will run as a formula: a text starting with = + - @,
    a tab or a carriage return gets a leading apostrophe. Prefix, never strip, so the text is
    all still there (`'=1+1`). None becomes the empty text."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text
