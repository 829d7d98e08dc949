"""One data function per public page (STYLE.md §10): each builds a plain structure that the
HTML page renders today and the JSON/CSV downloads will render tomorrow, so they agree.

Each function runs a fixed number of queries, whatever the size of what it shows.
"""

import logging

from django.db.models import Prefetch
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from budgets.models import Disclosure, NarrativeTemplate
from budgets.snapshots import snapshot_of
from budgets.tables import WAN, YUAN, build_tables, catalogue_of, download_entries
from budgets.workflow import WorkflowError
from glossary.models import Term
from organizations.models import Department

from .charts import charts_of
from .glossary_links import link_terms

DEFAULT_TEMPLATE = "narratives/chongqing-budget-2025.html"
REGION_DEPTH = "department__region__parent__parent__parent"  # up to four levels in one join

logger = logging.getLogger(__name__)


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


def body_data(disclosure, *, preview=False):
    """What the body of a disclosure page (downloads, narrative, tables) reads, for an
    already-fetched `for_page()` disclosure."""
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
    return {
        "disclosure": disclosure,
        "preview": preview,
        "figures": disclosure.figures,
        "tables": tables,
        "charts": charts_of(disclosure.figures),
        "downloads": download_entries(catalogue),
        "units": snapshot["units"],
        "glossary": snapshot["glossary"],
        "narrative_template": template.template_name if template else DEFAULT_TEMPLATE,
        "table_unit": table_unit,
        "unit_label": NarrativeTemplate.TableUnit(table_unit).label,
        # The printed document's wording, shown instead of the generated sentence of that key.
        "published_sentences": {s.key: s.text for s in disclosure.published_sentences.all()},
    }


def render_body(disclosure, *, preview=False):
    """The page body as HTML, rendered now; `failed` is True when the region's narrative
    template could not render (the body then says so in its place, and the error is logged):
    one region's broken template file never breaks a page."""
    context = body_data(disclosure, preview=preview)
    try:
        narrative = mark_safe(  # noqa: S308 -- links added to our own autoescaped rendering
            link_terms(render_to_string(context["narrative_template"], context), context["glossary"])
        )
        failed = False
    except Exception:  # any error of a template file: missing, bad syntax, a failing filter
        logger.exception(
            "说明模板“%s”无法显示（公开文件 %s）", context["narrative_template"], disclosure.pk
        )
        narrative, failed = "", True
    html = render_to_string(
        "portal/includes/disclosure_body.html",
        {**context, "narrative": narrative, "failed": failed},
    )
    return mark_safe(html), failed  # noqa: S308 -- rendered by our own autoescaping templates


def published_body(disclosure, *, preview=False):
    """The body of a version's page: for a published version, the one stored at its
    publication (later template or reference edits never change it); otherwise rendered now.
    The one place that returns a published version's HTML (page caching builds on it)."""
    if disclosure.is_published and disclosure.published_body:
        return mark_safe(disclosure.published_body)  # noqa: S308 -- stored by render_body
    return render_body(disclosure, preview=preview)[0]


def publication_body(disclosure):
    """The body stored when `disclosure` is published (called by the workflow inside the
    publish transaction, with the version's snapshot, dates and status already set)."""
    page = Disclosure.objects.for_page().select_related(REGION_DEPTH).get(pk=disclosure.pk)
    for name in ("frozen", "published_on", "published_at", "status", "content_checksum"):
        setattr(page, name, getattr(disclosure, name))
    html, failed = render_body(page)
    if failed:
        raise WorkflowError(
            "本地区的说明模板无法显示，不能公开：请管理员先修复“说明模板”中登记的模板文件，再公开。"
        )
    return str(html)


def disclosure_data(disclosure, *, preview=False):
    """Everything the disclosure page shows: its metadata and the parts that legitimately
    change after publication (the corrections) live, around its body (`published_body`)."""
    region = disclosure.department.region
    revisions = list(
        Disclosure.objects.revisions_of(disclosure)
        .published()
        .only("pk", "revision", "published_on", "correction_reason", "changes")
    )
    return {
        "disclosure": disclosure,
        "preview": preview,
        "body": published_body(disclosure, preview=preview),
        "checks": list(disclosure.checks.all()),
        "revisions": revisions,
        "latest": revisions[-1] if revisions else None,
        "first_published_on": revisions[0].published_on if revisions else None,
        "crumbs": [
            *({"label": r.name} for r in region.lineage()),
            {"label": disclosure.department.name, "url": disclosure.department.get_absolute_url()},
            {"label": f"{disclosure.year}年{disclosure.get_kind_display()}"},
        ],
    }


def get_disclosure(pk, *, published_only=True):
    """A disclosure version for its page: any published one (each keeps its permanent URL),
    or, for a staff preview, any version at all."""
    queryset = Disclosure.objects.select_related(REGION_DEPTH, "unit")
    if published_only:
        queryset = queryset.published()
    try:
        disclosure = queryset.get(pk=pk)
    except Disclosure.DoesNotExist:
        raise Http404("没有这份公开文件，或它尚未公开。") from None
    if disclosure.is_published and disclosure.published_body:
        return disclosure  # its stored body is all the page needs: no lines to read
    return Disclosure.objects.for_page().select_related(REGION_DEPTH).get(pk=pk)


def glossary_data():
    """Every term, general ones first, then by classification code."""
    return {
        "groups": Term.objects.grouped(),
        "crumbs": [{"label": "名词解释"}],
    }
