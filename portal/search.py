"""Search across the published disclosures (issue 14, “finding”): departments, years,
classification items (by name or code), key projects and glossary terms.

Matching is a substring match (`contains`): Chinese has no spaces to split words on, and a
substring finds “行政运行” inside “其他行政运行支出”. On PostgreSQL the searched columns carry
pg_trgm trigram indexes (migration portal 0009), which serve `LIKE '%…%'` for three
characters or more; SQLite scans, which is fast enough for a small site. Only the current
published versions are searched: drafts never appear, and a corrected version gives way to
its correction.

Each kind of result is one query (items two), whatever the size of the site.
"""

import re
from functools import partial

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from budgets.models import Disclosure, ExpenditureLine, FunctionalItem, KeyProject
from glossary.models import Term
from organizations.models import Department, Region

MAX_QUERY = 50
PER_KIND = 20
YEAR = re.compile(r"^\s*(\d{4})\s*年?\s*$")
CODE = re.compile(r"^\d{3,7}$")


class Kind(models.TextChoices):
    DEPARTMENT = "department", "部门"
    DISCLOSURE = "disclosure", "公开文件"
    ITEM = "item", "支出科目"
    PROJECT = "project", "重点项目"
    TERM = "term", "名词解释"


def _current(prefix=""):
    """Q of the current published versions, through `prefix` (e.g. "disclosure__"). Written
    as NOT EXISTS: PostgreSQL estimates it well, where the join of `current()` made it loop
    over every line of the site."""
    published = Disclosure.Status.PUBLISHED
    outer = f"{prefix}id" if prefix else "pk"
    corrected = Disclosure.objects.filter(supersedes_id=OuterRef(outer), status=published)
    return Q(**{f"{prefix}status": published}) & ~Exists(corrected)


def _descendants(region_id, regions):
    """The region and every region under it, from the list of all regions."""
    found, todo = {region_id}, [region_id]
    while todo:
        parent = todo.pop()
        for r in regions:
            if r.parent_id == parent and r.pk not in found:
                found.add(r.pk)
                todo.append(r.pk)
    return found


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def search_data(params):
    """The search page: the form's choices, and the results grouped by kind (each group at
    most PER_KIND results, and whether there are more)."""
    q = (params.get("q") or "").strip()[:MAX_QUERY]
    kind = params.get("kind") if params.get("kind") in Kind.values else ""
    year = _int(params.get("year"))
    region_id = _int(params.get("region"))
    regions = list(Region.objects.select_related("parent__parent__parent").order_by("pk"))
    by_pk = {r.pk: r for r in regions}
    region_ids = _descendants(region_id, regions) if region_id in by_pk else None
    years = list(
        Disclosure.objects.published().order_by("-year").values_list("year", flat=True).distinct()
    )
    context = {
        "q": q,
        "search_q": q,  # the header's search box keeps the query
        "kind": kind,
        "year": year,
        "region_id": region_id if region_ids else None,
        "kinds": Kind.choices,
        "regions": sorted(regions, key=lambda r: [(x.order, x.name) for x in r.lineage()]),
        "years": years,
        "groups": [],
        "searched": bool(q),
        "crumbs": [{"label": "搜索"}],
    }
    if not q:
        return context
    searches = {
        Kind.DEPARTMENT: _departments,
        Kind.DISCLOSURE: _disclosures,
        Kind.ITEM: _items,
        Kind.PROJECT: _projects,
        Kind.TERM: partial(_terms, region=by_pk.get(region_id)),
    }
    for key, find in searches.items():
        if kind and key != kind:
            continue
        queryset = find(q, year=year, region_ids=region_ids)
        if queryset is None:
            continue
        # One more than shown tells whether there are more, without a count query.
        results = [_result(key, obj) for obj in queryset[: PER_KIND + 1]]
        if results:
            context["groups"].append(
                {
                    "kind": key,
                    "label": Kind(key).label,
                    "results": results[:PER_KIND],
                    "more": len(results) > PER_KIND,
                }
            )
    return context


def _departments(q, *, year, region_ids):
    published = Disclosure.objects.filter(_current())
    if year:
        published = published.filter(year=year)
    departments = Department.objects.filter(
        Q(name__contains=q) | Q(short_name__contains=q) | Q(code=q),
        pk__in=published.values("department_id"),
    )
    if region_ids is not None:
        departments = departments.filter(region_id__in=region_ids)
    return departments.select_related("region__parent__parent__parent").order_by(
        "region__order", "order", "name"
    )


def _disclosures(q, *, year, region_ids):
    match = YEAR.match(q)
    if match:
        condition = Q(year=int(match.group(1)))
    else:
        condition = Q(department__name__contains=q) | Q(unit__name__contains=q)
    disclosures = Disclosure.objects.filter(_current()).filter(condition)
    if year:
        disclosures = disclosures.filter(year=year)
    if region_ids is not None:
        disclosures = disclosures.filter(department__region_id__in=region_ids)
    return (
        disclosures.select_related("department", "unit")
        .only("pk", "year", "kind", "revision", "department__name", "unit__name", "published_on")
        .order_by("-year", "department__name", "unit__name")
    )


def _items(q, *, year, region_ids):
    # The items (reference data, trigram-indexed) as a subquery, their lines through the line
    # table's index on the item: every matching item is followed, however many match.
    if CODE.match(q):
        items = FunctionalItem.objects.filter(code__startswith=q)
    else:
        items = FunctionalItem.objects.filter(name__contains=q)
    if year:
        items = items.filter(year=year)
    lines = ExpenditureLine.objects.filter(
        _current("disclosure__"), functional_item_id__in=items.values("pk")
    )
    if year:
        lines = lines.filter(disclosure__year=year)
    if region_ids is not None:
        lines = lines.filter(disclosure__department__region_id__in=region_ids)
    return (
        lines.select_related("functional_item", "disclosure__department", "disclosure__unit")
        .only(
            "pk",
            "basic",
            "project",
            "total",
            "functional_item__code",
            "functional_item__name",
            "disclosure__year",
            "disclosure__kind",
            "disclosure__department__name",
            "disclosure__unit__name",
        )
        .order_by("-disclosure__year", "functional_item__code", "disclosure__department__name")
    )


def _projects(q, *, year, region_ids):
    projects = KeyProject.objects.filter(_current("disclosure__")).filter(name__contains=q)
    if year:
        projects = projects.filter(disclosure__year=year)
    if region_ids is not None:
        projects = projects.filter(disclosure__department__region_id__in=region_ids)
    return (
        projects.select_related("disclosure__department", "disclosure__unit")
        .only(
            "pk",
            "name",
            "amount",
            "disclosure__year",
            "disclosure__kind",
            "disclosure__department__name",
            "disclosure__unit__name",
        )
        .order_by("-disclosure__year", "disclosure__department__name", "order")
    )


def _terms(q, *, year, region_ids, region=None):
    """Glossary terms by name, definition or the code of their classification item, each
    name once per region with the definition in force in `year` (no year: now). With a
    region: the terms in force there (its own, else its ancestors' or the general one, as
    `Term.objects.in_force` picks), then those the regions under it define for themselves.
    Each result opens the glossary page of its region (a general term: the chosen one's)."""
    condition = Q(name__contains=q) | Q(definition__contains=q)
    if CODE.match(q):
        condition |= Q(functional_item__code__startswith=q)
    terms = Term.objects.filter(condition)
    if region is None:
        found = _latest_per_region_and_name(terms, year=year)
    else:
        below = _latest_per_region_and_name(
            terms.filter(region__in=region_ids - {region.pk}), year=year
        )
        found = terms.in_force(region=region, year=year) + below
    for term in found:
        term.glossary_region = term.region or region
    return found


def _latest_per_region_and_name(terms, *, year):
    """Per region and name, the definition with the greatest `from_year` ≤ `year` (general
    terms first, then by region, each in glossary order)."""
    if year is not None:
        terms = terms.filter(from_year__lte=year)
    best = {}
    for term in terms.select_related("functional_item", "region").order_by("from_year"):
        best[(term.region_id, term.name)] = term
    return sorted(best.values(), key=lambda t: (t.region_id or 0, t.order, t.name))


def _result(kind, obj):
    """One result: its title, a line of context, its amount if any, the page it links to."""
    if kind == Kind.DEPARTMENT:
        return {
            "title": obj.name,
            "context": str(obj.region),
            "amount": None,
            "url": obj.get_absolute_url(),
        }
    if kind == Kind.DISCLOSURE:
        return {
            "title": f"{obj.body_name}{obj.year}年{obj.get_kind_display()}",
            "context": f"第{obj.revision}版" if obj.revision > 1 else "",
            "amount": None,
            "url": obj.get_absolute_url(),
        }
    if kind == Kind.ITEM:
        d = obj.disclosure
        return {
            "title": f"{obj.functional_item.code} {obj.functional_item.name}",
            "context": f"{d.body_name} {d.year}年{d.get_kind_display()}",
            "amount": obj.amount,
            # The row of the code in the expenditure table (versions published before rows
            # carried anchors open at the top of the page).
            "url": f"{d.get_absolute_url()}#expenditure-{obj.functional_item.code}",
        }
    if kind == Kind.PROJECT:
        d = obj.disclosure
        return {
            "title": obj.name,
            "context": f"{d.body_name} {d.year}年{d.get_kind_display()}",
            "amount": obj.amount,
            "url": f"{d.get_absolute_url()}#table-key-projects",
        }
    code = obj.functional_item.code if obj.functional_item_id else ""
    region = obj.glossary_region
    where = obj.region.name if obj.region_id else "通用"
    return {
        "title": obj.name,
        "context": f"{code} {where}" if code else where,
        "amount": None,
        "url": (
            f"{reverse('portal:region_glossary', args=[region.pk])}#term-{obj.pk}"
            if region
            else reverse("portal:glossary")
        ),
    }
