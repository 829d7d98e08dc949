"""One data function per public page (STYLE.md §10): each builds a plain structure that the
HTML page renders today and the JSON/CSV downloads will render tomorrow, so they agree.

Each function runs a fixed number of queries, whatever the size of what it shows.
"""

from django.db.models import Prefetch
from django.http import Http404

from budgets.models import Disclosure, NarrativeTemplate
from budgets.snapshots import snapshot_of
from budgets.tables import WAN, YUAN, build_tables, catalogue_of, download_entries
from glossary.models import Term
from organizations.models import Department

DEFAULT_TEMPLATE = "narratives/chongqing-budget-2025.html"
REGION_DEPTH = "department__region__parent__parent__parent"  # up to four levels in one join


def home_data():
    """Regions → departments → the years with a published disclosure."""
    published = Disclosure.objects.current().filter(unit__isnull=True).order_by("-year")
    departments = (
        Department.objects.select_related("region__parent__parent__parent")
        .prefetch_related(
            Prefetch("disclosures", queryset=published, to_attr="published_disclosures")
        )
        .order_by("region__parent__order", "region__order", "region__name", "order", "name")
    )
    regions = {}
    for department in departments:
        if department.published_disclosures:
            regions.setdefault(department.region, []).append(department)
    years = sorted(
        {d.year for ds in regions.values() for dep in ds for d in dep.published_disclosures},
        reverse=True,
    )
    return {"regions": list(regions.items()), "years": years}


def department_data(pk):
    """One department and its published disclosures, newest first."""
    published = Disclosure.objects.current().select_related("unit").order_by("-year", "unit__order")
    try:
        department = (
            Department.objects.select_related("region__parent__parent__parent")
            .prefetch_related(
                Prefetch("disclosures", queryset=published, to_attr="published_disclosures")
            )
            .get(pk=pk)
        )
    except Department.DoesNotExist:
        raise Http404("没有这个部门。") from None
    crumbs = [{"label": region.name} for region in department.region.lineage()]
    crumbs.append({"label": department.name})
    return {
        "department": department,
        "disclosures": department.published_disclosures,
        "crumbs": crumbs,
    }


def disclosure_data(disclosure):
    """Everything the disclosure page shows, for an already-fetched `for_page()` disclosure."""
    region = disclosure.department.region
    template = NarrativeTemplate.for_body(region=region, year=disclosure.year, kind=disclosure.kind)
    table_unit = template.table_unit if template else NarrativeTemplate.TableUnit.WAN
    catalogue = catalogue_of(template)
    tables = build_tables(
        disclosure,
        catalogue,
        unit=YUAN if table_unit == NarrativeTemplate.TableUnit.YUAN else WAN,
        separators=template.thousands_separator if template else True,
    )
    snapshot = snapshot_of(disclosure)
    revisions = list(
        Disclosure.objects.revisions_of(disclosure)
        .published()
        .only("pk", "revision", "published_on", "correction_reason", "changes")
    )
    return {
        "disclosure": disclosure,
        "figures": disclosure.figures,
        "tables": tables,
        "downloads": download_entries(catalogue),
        "units": snapshot["units"],
        "glossary": snapshot["glossary"],
        "checks": list(disclosure.checks.all()),
        # The printed document's wording, shown instead of the generated sentence of that key.
        "published_sentences": {s.key: s.text for s in disclosure.published_sentences.all()},
        "revisions": revisions,
        "latest": revisions[-1] if revisions else None,
        "first_published_on": revisions[0].published_on if revisions else None,
        "narrative_template": template.template_name if template else DEFAULT_TEMPLATE,
        "table_unit": table_unit,
        "unit_label": NarrativeTemplate.TableUnit(table_unit).label,
        "crumbs": [
            *({"label": r.name} for r in region.lineage()),
            {"label": disclosure.department.name, "url": disclosure.department.get_absolute_url()},
            {"label": f"{disclosure.year}年{disclosure.get_kind_display()}"},
        ],
    }


def get_disclosure(pk, *, published_only=True):
    """A disclosure version for its page: any published one (each keeps its permanent URL),
    or, for a staff preview, any version at all."""
    queryset = Disclosure.objects.for_page().select_related(REGION_DEPTH)
    if published_only:
        queryset = queryset.published()
    try:
        return queryset.get(pk=pk)
    except Disclosure.DoesNotExist:
        raise Http404("没有这份公开文件，或它尚未公开。") from None


def glossary_data():
    """Every term, general ones first, then by classification code."""
    return {
        "terms": list(Term.objects.select_related("functional_item")),
        "crumbs": [{"label": "名词解释"}],
    }
