"""A disclosure (one body × one year × one kind) and the figures it is made of, plus the
reference data those figures are classified by. Split by what the modules hold; every public
name is re-exported here, so `from budgets.models import …` is the one way in."""

from .catalogue import CatalogueTable, ProjectSubsection
from .disclosure import Disclosure, DisclosureQuerySet, Exemption, PublishedDisclosureError
from .notices import Notice
from .parts import (
    BasicExpenditureLine,
    DisclosureCheck,
    DisclosurePart,
    DisclosurePartQuerySet,
    ExpenditureLine,
    IncomeLine,
    KeyProject,
    OfficialExpenseLine,
    PerformanceTarget,
    ProcurementLine,
    ProjectWriteUp,
    PublishedSentence,
    StatusChange,
    VehicleLine,
    ensure_editable,
)
from .reference import (
    ClassificationScheme,
    ClassificationVersion,
    DisclosureKind,
    EconomicItem,
    FunctionalItem,
    IncomeSource,
    IndicatorLevel,
    NarrativeTemplate,
    OfficialExpenseItem,
    ProcurementCategory,
    VehicleKind,
)

__all__ = [
    "ClassificationScheme",
    "ClassificationVersion",
    "BasicExpenditureLine",
    "CatalogueTable",
    "Disclosure",
    "Notice",
    "DisclosureCheck",
    "DisclosureKind",
    "DisclosurePart",
    "DisclosurePartQuerySet",
    "DisclosureQuerySet",
    "EconomicItem",
    "Exemption",
    "ExpenditureLine",
    "FunctionalItem",
    "IncomeLine",
    "IncomeSource",
    "IndicatorLevel",
    "KeyProject",
    "NarrativeTemplate",
    "OfficialExpenseItem",
    "OfficialExpenseLine",
    "PerformanceTarget",
    "ProcurementCategory",
    "ProcurementLine",
    "ProjectSubsection",
    "ProjectWriteUp",
    "PublishedDisclosureError",
    "PublishedSentence",
    "StatusChange",
    "VehicleKind",
    "VehicleLine",
    "ensure_editable",
]
