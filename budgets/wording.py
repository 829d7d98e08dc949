"""Figures named in a text (amounts, counts, shares), to hold a text to the data it speaks of:
a published wording (原文措辞) to its generated sentence, a reason to its line's change."""

import re
from decimal import Decimal

# 748.5万元, 9辆, 7人, 14个科室, 10%; a year (2024年) is not a figure here.
FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|元|辆|人|个|%)")


def figures_in(text):
    """The set of (value, unit) a text names; 87.5万元 and 87.50万元 are the same figure."""
    return {(Decimal(value).normalize(), unit) for value, unit in FIGURE.findall(text)}


def unsupported_figures(text, source):
    """The figures `text` names that `source` (the sentence built from the data) does not,
    as they are written (“34万元”), in order of appearance."""
    known = figures_in(source)
    return [
        f"{value}{unit}"
        for value, unit in FIGURE.findall(text)
        if (Decimal(value).normalize(), unit) not in known
    ]
