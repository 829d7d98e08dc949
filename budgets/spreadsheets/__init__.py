"""Disclosure spreadsheets: the fill-in template of a draft (`template`), and importing a
workbook into a draft — opened safely (`workbook`), its tables found (`tables`) and read
and checked (`readers`), compared, kept for confirmation and applied all or nothing
(`changes`) — and what the download workbook adds so that it imports whole (`downloads`).
Documented in budgets/spreadsheets.md.

A package rather than one module because the eight tables' readers alone pass 800 lines
(STYLE.md §1); its public names are re-exported here.
"""

from .changes import (
    Applied,
    LineChange,
    Preview,
    TableChanges,
    apply_import,
    forget_preview,
    keep_preview,
    kept_preview,
    preview_import,
)
from .tables import SHEETS, Issue, TablePlan, columns
from .template import template_workbook
from .workbook import ImportRefused, check_archive, check_size, limits, open_workbook

__all__ = [
    "SHEETS",
    "Applied",
    "ImportRefused",
    "Issue",
    "LineChange",
    "Preview",
    "TableChanges",
    "TablePlan",
    "apply_import",
    "check_archive",
    "check_size",
    "columns",
    "forget_preview",
    "keep_preview",
    "kept_preview",
    "limits",
    "open_workbook",
    "preview_import",
    "template_workbook",
]
