"""One data function per public page (STYLE.md §10): each builds a plain structure that the
HTML page renders today and the JSON/CSV downloads will render tomorrow, so they agree.

Each function runs a fixed number of queries, whatever the size of what it shows.
"""

import logging

from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from budgets.comparison import HEADLINES, comparison, headline_values, with_lines
from budgets.models import Disclosure, NarrativeTemplate
from budgets.narrative_files import DEFAULT_FILE as DEFAULT_TEMPLATE
from budgets.snapshots import snapshot_of
from budgets.tables import WAN, YUAN, build_tables, catalogue_of, download_entries
from budgets.workflow import WorkflowError
from glossary.models import Term
from organizations.composition import composition
from organizations.models import Department, DepartmentSuccession, Region

from .charts import charts_of, official_expenses_over_years_chart
from .glossary_links import link_terms
from .page_rows import page_checks, published_page_row
from .prepared import prepared

REGION_DEPTH = "department__region__parent__parent__parent"  # up to four levels in one join
REGION_CHAIN = "region__parent__parent__parent"
DEPARTMENTS_PER_PAGE = 50

logger = logging.getLogger(__name__)


def region_crumbs(region):
    """Breadcrumb items of a region and its ancestors, each a link to its region page."""
    return [{"label": r.name, "url": r.get_absolute_url()} for r in region.lineage()]


def with_latest(departments):
    """Departments annotated with their latest published disclosure (its pk, year and kind
    in `latest_pk`, `latest_year`, `latest_kind`; None when nothing is published yet): three
    index lookups per row, never a list of every year."""
    # The highest published revision of a year is its current one: no anti-join needed.
    latest = (
        Disclosure.objects.published()
        .filter(department=OuterRef("pk"), unit__isnull=True)
        .order_by("-year", "kind", "-revision")
    )
    return departments.annotate(
        latest_pk=Subquery(latest.values("pk")[:1]),
        latest_year=Subquery(latest.values("year")[:1]),
        latest_kind=Subquery(latest.values("kind")[:1]),
    )


def latest_published():
    """Each department's latest published disclosure of its own (not a unit's): the first of
    its published versions by year, kind and revision, ranked by the database in one query
    (a window over the published versions) instead of a lookup per department."""
    rank = Window(
        RowNumber(),
        partition_by=F("department_id"),
        order_by=[F("year").desc(), F("kind").asc(), F("revision").desc()],
    )
    return (
        Disclosure.objects.published().filter(unit__isnull=True).annotate(rank=rank).filter(rank=1)
    )


def link_pattern(name):
    """`lambda pk: reverse(name, args=[pk])`, reversed once: a listing of hundreds of rows
    spent most of its time reversing the same pattern (issue 12)."""
    marker = "9081726354"  # a number no address of ours contains
    head, tail = reverse(name, args=[int(marker)]).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


def home_data():
    """Top-level regions, then each region with its departments that have published, each
    with its latest year: two queries whatever the size of the city. The page is rendered
    once per change and then served from the page cache (`page_cache.home_page`)."""
    regions = list(
        Region.objects.select_related("parent__parent__parent").order_by(
            "parent__order", "order", "name"
        )
    )
    latest = latest_published().order_by("department__order", "department__name")
    department_url = link_pattern("portal:department")
    disclosure_url = link_pattern("portal:disclosure")
    kinds = {kind: str(label) for kind, label in Disclosure.Kind.choices}  # translated once
    rows = {}
    for pk, year, kind, department_id, name, region_id in latest.values_list(
        "pk", "year", "kind", "department_id", "department__name", "department__region_id"
    ):
        label = f"{year}年{kinds[kind]}"
        rows.setdefault(region_id, []).append(
            {
                "name": name,
                "url": department_url(department_id),
                "latest_url": disclosure_url(pk),
                "latest": label,
            }
        )
    return {
        "top_regions": [region for region in regions if region.parent_id is None],
        "regions": [(region, rows[region.pk]) for region in regions if region.pk in rows],
    }


def region_data(pk, page=None):
    """A region: its child regions and its departments with their latest published year,
    a page of DEPARTMENTS_PER_PAGE at a time (four queries whatever the region's size)."""
    try:
        region = Region.objects.select_related("parent__parent__parent").get(pk=pk)
    except Region.DoesNotExist:
        raise Http404("没有这个地区。") from None
    children = region.children.annotate(department_count=Count("departments")).order_by(
        "order", "name"
    )
    departments = with_latest(region.departments.order_by("order", "name"))
    paginator = Paginator(departments, DEPARTMENTS_PER_PAGE)
    page_obj = paginator.get_page(page)
    crumbs = region_crumbs(region)
    crumbs[-1] = {"label": region.name}
    return {
        "region": region,
        "children": list(children),
        "departments": list(page_obj.object_list),
        "page_obj": page_obj,
        "crumbs": crumbs,
    }


def department_data(pk):
    """One department: its years, each with every published version (revisions) of its own
    and its units' documents; its headline figures over the years; the departments it
    succeeds or that succeed it. A fixed number of queries whatever the number of years."""
    try:
        department = Department.objects.select_related(REGION_CHAIN).get(pk=pk)
    except Department.DoesNotExist:
        raise Http404("没有这个部门。") from None
    versions = (
        Disclosure.objects.published()
        .filter(department=department)
        .select_related("unit")
        .only(
            "pk",
            "year",
            "kind",
            "revision",
            "unit__name",
            "unit__order",
            "published_on",
            "correction_reason",
            "department_id",
            "supersedes_id",
        )
        .order_by("-year", "kind", "unit__order", "unit__name", "revision")
    )
    years = {}
    for version in versions:
        version.department = department  # the title names it: no query per version
        documents = years.setdefault(version.year, {})
        documents.setdefault((version.kind, version.unit_id), []).append(version)
    current = list(
        with_lines(
            Disclosure.objects.current().filter(
                department=department, unit__isnull=True, kind=Disclosure.Kind.BUDGET
            )
        ).order_by("-year")
    )
    successions = DepartmentSuccession.objects.filter(
        Q(predecessor=department) | Q(successor=department)
    ).select_related("predecessor", "successor")
    crumbs = region_crumbs(department.region)
    crumbs.append({"label": department.name})
    figures = [(d, headline_values(d)) for d in current]
    official = official_expenses_over_years_chart(
        [(d.year, values["official"][0]) for d, values in reversed(figures)]
    )
    return {
        "department": department,
        "years": [
            {"year": year, "documents": [{"versions": v, "latest": v[-1]} for v in docs.values()]}
            for year, docs in years.items()
        ],
        "headlines": [label for _, label, _ in HEADLINES],
        "figures": [(d, [value for value, _ in values.values()]) for d, values in figures],
        "official_years": [(d.year, values["official"][0]) for d, values in reversed(figures)],
        "charts": {"official-expenses-years": official} if official else {},
        "predecessors": [s for s in successions if s.successor_id == department.pk],
        "successors": [s for s in successions if s.predecessor_id == department.pk],
        "crumbs": crumbs,
    }


def compare_data(pk):
    """A department's budgets side by side across its years and its predecessors' years."""
    try:
        department = Department.objects.select_related(REGION_CHAIN).get(pk=pk)
    except Department.DoesNotExist:
        raise Http404("没有这个部门。") from None
    crumbs = region_crumbs(department.region)
    crumbs.append({"label": department.name, "url": department.get_absolute_url()})
    crumbs.append({"label": "历年对比"})
    return {"department": department, **comparison(department), "crumbs": crumbs}


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
        # 单位构成: the units nested, counted by kind (computed from the units, never typed)
        "composition": composition(snapshot["units"]),
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
            link_terms(
                render_to_string(context["narrative_template"], context), context["glossary"]
            )
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


def disclosure_data(disclosure, *, preview=False, latest_pk=None):
    """Everything the disclosure page shows: its metadata and the parts that legitimately
    change after publication (the corrections) live, around its body (`published_body`).
    `latest_pk`, the latest published revision's id when the caller knows it (the page's
    state), spares the query of the revisions when the version is the only one."""
    region = disclosure.department.region
    if latest_pk == disclosure.pk and disclosure.revision == 1 and disclosure.is_published:
        revisions = [disclosure]  # the first revision and the latest: no other is published
    else:
        with prepared():  # asked by every uncached page of a corrected document
            revisions = list(
                Disclosure.objects.revisions_of(disclosure)
                .published()
                .only("pk", "revision", "published_on", "correction_reason", "changes")
            )
    return {
        "disclosure": disclosure,
        # Once each (the page prints the title three times; a choice's label is translated anew
        # at every read).
        "title": disclosure.title,
        "kind_label": disclosure.get_kind_display(),
        "preview": preview,
        "body": published_body(disclosure, preview=preview),
        "checks": page_checks(disclosure),
        "revisions": revisions,
        "latest": revisions[-1] if revisions else None,
        "first_published_on": revisions[0].published_on if revisions else None,
        "crumbs": [
            *region_crumbs(region),
            {"label": disclosure.department.name, "url": disclosure.department.get_absolute_url()},
            {"label": f"{disclosure.year}年{disclosure.get_kind_display()}"},
        ],
    }


def published_page_disclosure(pk):
    """A published version for its public page, with what its frame reads (`page_rows`); a
    version without a stored body (published before bodies were stored) is read whole to
    render it."""
    disclosure = published_page_row(pk)
    if disclosure is None:
        raise Http404("没有这份公开文件，或它尚未公开。")
    if disclosure.published_body:
        return disclosure
    whole = Disclosure.objects.for_page().select_related(REGION_DEPTH).get(pk=pk)
    # What the row read besides the version's own columns: the page's state and its checks.
    for name in ("page_latest_id", "page_latest_at", "checks_on_page"):
        setattr(whole, name, getattr(disclosure, name))
    return whole


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


def glossary_index_data():
    """The regions whose departments disclose, each with a link to its glossary."""
    regions = (
        Region.objects.filter(departments__isnull=False)
        .distinct()
        .select_related("parent__parent__parent")
        .order_by("parent__parent__order", "parent__order", "order", "name")
    )
    return {"regions": list(regions), "crumbs": [{"label": "名词解释"}]}


def glossary_data(pk):
    """A region's glossary as in force now: per term, its own definition, else the nearest
    ancestor's or a general one; general terms first, then by classification code. (Each
    disclosure's page keeps the definitions it was published with.)"""
    try:
        region = Region.objects.select_related("parent__parent__parent").get(pk=pk)
    except Region.DoesNotExist:
        raise Http404("没有这个地区。") from None
    return {
        "region": region,
        "groups": Term.objects.grouped(region=region),
        "crumbs": [
            {"label": "名词解释", "url": reverse("portal:glossary")},
            {"label": str(region)},
        ],
    }
