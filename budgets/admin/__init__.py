"""The back office of budgets: the disclosure screen laid out like the document, its
spreadsheet import, the reference data, and the one safe import mixin every admin import
uses. Importing this package registers them all."""

from .disclosure import (
    DisclosureAdmin,
    ExemptionAdmin,
    PartInline,
    StatusChangeAdmin,
)
from .imports import SafeImportAdmin, SafeImportMixin
from .notices import NoticeAdmin
from .reference import (
    ClassificationItemAdmin,
    ClassificationVersionAdmin,
    EconomicItemAdmin,
    FunctionalItemAdmin,
    IncomeSourceAdmin,
    NarrativeTemplateAdmin,
    OfficialExpenseItemAdmin,
    OrderedNameAdmin,
)

__all__ = [
    "ClassificationItemAdmin",
    "ClassificationVersionAdmin",
    "DisclosureAdmin",
    "EconomicItemAdmin",
    "ExemptionAdmin",
    "FunctionalItemAdmin",
    "IncomeSourceAdmin",
    "NarrativeTemplateAdmin",
    "NoticeAdmin",
    "OfficialExpenseItemAdmin",
    "OrderedNameAdmin",
    "PartInline",
    "SafeImportAdmin",
    "SafeImportMixin",
    "StatusChangeAdmin",
]
