"""Open data (STYLE.md §10; documented in portal/opendata.md).

`disclosure_tables(disclosure)` builds one plain structure per disclosure — its standard
tables, straight from `budgets.figures` — and every download renders that structure: the XLSX
workbook, the per-table CSV files, the JSON document and the data package of everything
published. So the downloads cannot disagree with each other or with the page.

Amounts are `Decimal` 万元 throughout. XLSX cells hold numbers; CSV and JSON write them as
exact decimal text (`amount_text`), never through a float. Every text cell of a CSV or XLSX
file passes through `budgets.sanitize.safe_text`; the JSON carries texts unaltered.
"""

from .files import disclosure_document, render_table_csv, render_xlsx
from .package import (
    PACKAGE_RESOURCES,
    datapackage_descriptor,
    package_disclosures,
    package_records,
    render_package_csv,
)
from .tables import (
    TABLES,
    amount_text,
    current_disclosures,
    disclosure_tables,
    document_name,
    get_published,
    published_disclosures,
)

__all__ = [
    "PACKAGE_RESOURCES",
    "TABLES",
    "amount_text",
    "current_disclosures",
    "datapackage_descriptor",
    "disclosure_document",
    "disclosure_tables",
    "document_name",
    "get_published",
    "package_disclosures",
    "package_records",
    "published_disclosures",
    "render_package_csv",
    "render_table_csv",
    "render_xlsx",
]
