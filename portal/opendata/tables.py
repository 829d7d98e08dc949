"""What the downloads print: the standard tables of `budgets.tables` under the titles the
downloads use, and which disclosures the public may download."""

from decimal import Decimal

from django.http import Http404

from budgets.models import Disclosure, NarrativeTemplate
from budgets.money import FEN
from budgets.tables import (
    AMOUNT,
    COUNT,
    SHEET_TITLES,
    WAN,
    build_tables,
    catalogue_of,
    download_entries,
)

from ..pages import REGION_DEPTH

FORMAT_VERSION = "1.0"
PHASES = {Disclosure.Kind.BUDGET: "approved", Disclosure.Kind.FINAL_ACCOUNTS: "executed"}


# ---------------------------------------------------------------- which disclosures


def published_disclosures():
    """The versions the public may download: every published revision keeps its own
    permanent download URLs (as its page does)."""
    return Disclosure.objects.published()


def current_disclosures():
    """What the data package holds: the latest published revision of each body-year, so a
    corrected disclosure is counted once."""
    return Disclosure.objects.current()


def get_published(pk):
    """One published disclosure with everything its tables read, or 404 (drafts included)."""
    queryset = published_disclosures().for_page().select_related(REGION_DEPTH)
    try:
        return queryset.get(pk=pk)
    except Disclosure.DoesNotExist:
        raise Http404("没有这份公开文件，或它尚未公开。") from None


# ---------------------------------------------------------------- the one structure

# The importable tables' keys and sheet titles (budgets.tables.SHEET_TITLES): every
# disclosure's downloads hold them, beside the other tables of its region's catalogue.
TABLES = SHEET_TITLES


def disclosure_tables(disclosure, templates=None):
    """The tables of a `for_page()` disclosure's downloads, in document order: the one
    structure every download renders. `templates` (every narrative template with its
    catalogue prefetched) saves the template lookup when many disclosures are built."""
    template = NarrativeTemplate.for_body(
        region=disclosure.department.region,
        year=disclosure.year,
        kind=disclosure.kind,
        among=templates,
    )
    return build_tables(disclosure, download_entries(catalogue_of(template)))


def all_templates():
    """Every narrative template with its catalogue, for building many disclosures' tables."""
    return list(NarrativeTemplate.objects.prefetch_related("catalogue"))


# ---------------------------------------------------------------- values and names


def amount_text(value):
    """Exact decimal text of an amount in 万元: at least two decimals, at most six (the fen),
    no thousands separator (`11091.84`, `87.50`, `-0.40`, `0.000001`); None stays None."""
    if value is None:
        return None
    exact = Decimal(value).quantize(FEN)
    if not exact:
        exact = abs(exact)  # never "-0.00"
    whole, _, fraction = f"{exact:f}".partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"


def document_name(disclosure):
    """Base of download file names: the title without 情况说明, e.g.
    重庆市渝中区人民政府办公室2025年部门预算."""
    return disclosure.title.removesuffix("情况说明")


def csv_header(table, column):
    """A CSV header carries the unit of a measured column: 2025年预算数（万元）,
    实有车辆（截至2024年12月，辆）; labels and 序号 stay as they are."""
    measured = AMOUNT if table.unit == WAN else COUNT
    if column.kind != measured:
        return column.title
    title, unit = column.title, table.unit
    return f"{title[:-1]}，{unit}）" if title.endswith("）") else f"{title}（{unit}）"
