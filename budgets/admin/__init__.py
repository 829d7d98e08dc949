"""The back office of budgets: the disclosure screen laid out like the document, its
spreadsheet import, the reference data, and the one safe import mixin every admin import
uses. Importing this package registers them all."""

from .disclosure import (
    CONTACT,
    PART_1,
    PART_2,
    PART_3,
    PART_4,
    PART_5,
    PART_6,
    DisclosureAdmin,
    ExemptionAdmin,
    PartInline,
    StatusChangeAdmin,
)
from .imports import SafeImportAdmin, SafeImportMixin
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
    "CONTACT",
    "ClassificationItemAdmin",
    "ClassificationVersionAdmin",
    "PART_1",
    "PART_2",
    "PART_3",
    "PART_4",
    "PART_5",
    "PART_6",
    "DisclosureAdmin",
    "EconomicItemAdmin",
    "ExemptionAdmin",
    "FunctionalItemAdmin",
    "IncomeSourceAdmin",
    "NarrativeTemplateAdmin",
    "OfficialExpenseItemAdmin",
    "OrderedNameAdmin",
    "PartInline",
    "SafeImportAdmin",
    "SafeImportMixin",
    "StatusChangeAdmin",
]
