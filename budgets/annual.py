"""The annual cycle: prepare year Y's drafts from each department's latest published Y−1
version. Units' duties, sections and staffing, key projects and the glossary selection are
carried over; last year's figures become this year's prior-year figures; this year's figures
start empty. Preparing twice creates nothing new."""

from dataclasses import dataclass

from django.db import transaction

from organizations.models import Duty, Section, StaffingQuota, UnitYear

from . import workflow
from .models import (
    Disclosure,
    IncomeLine,
    KeyProject,
    OfficialExpenseLine,
    StatusChange,
    VehicleLine,
)

# Fields copied as they are: who publishes, how to reach them, what the texts say of uses.
CARRIED_FIELDS = ["publisher", "contact_name", "contact_phone", "basic_uses", "operating_cost_uses"]


@dataclass
class Prepared:
    created: list
    skipped: list  # (department, reason)


def _carry_units(department, year):
    """Copy each unit's Y−1 record to Y where Y has none yet (the department edits it after)."""
    for previous in UnitYear.objects.filter(
        unit__department=department, year=year - 1
    ).prefetch_related("duties", "sections", "staffing"):
        unit_year, created = UnitYear.objects.get_or_create(
            unit_id=previous.unit_id,
            year=year,
            defaults={"duties_preamble": previous.duties_preamble},
        )
        if not created:
            continue
        for duty in previous.duties.all():
            Duty.objects.create(unit_year=unit_year, order=duty.order, text=duty.text)
        for section in previous.sections.all():
            Section.objects.create(unit_year=unit_year, order=section.order, name=section.name)
        for quota in previous.staffing.all():
            StaffingQuota.objects.create(
                unit_year=unit_year, kind_id=quota.kind_id, count=quota.count
            )


def _latest_published(department, year, kind):
    return (
        Disclosure.objects.current()
        .filter(department=department, unit__isnull=True, year=year, kind=kind)
        .first()
    )


@transaction.atomic
def prepare_year(*, department, year, user, kind=Disclosure.Kind.BUDGET):
    """Year `year`'s draft for `department`, made from its latest published `year − 1`
    version. Returns (disclosure, created); an existing version of `year` is left alone."""
    existing = Disclosure.objects.filter(
        department=department, unit__isnull=True, year=year, kind=kind
    ).first()
    if existing:
        return existing, False
    previous = _latest_published(department, year - 1, kind)
    if previous is None:
        raise workflow.WorkflowError(
            f"“{department}”没有已公开的{year - 1}年版本，无法据此准备{year}年。"
        )
    _carry_units(department, year)
    figures = Disclosure.objects.for_page().get(pk=previous.pk).figures
    draft = Disclosure.objects.create(
        department=department,
        year=year,
        kind=kind,
        prior_basic=figures.basic_total,
        prior_project=figures.project_total,
        prior_operating_cost=previous.operating_cost,
        **{name: getattr(previous, name) for name in CARRIED_FIELDS},
    )
    for line in figures.income_lines:
        IncomeLine.objects.create(
            disclosure=draft, source_id=line.source_id, amount=None, prior_amount=line.amount
        )
    for line in figures.official_expense_lines:
        OfficialExpenseLine.objects.create(
            disclosure=draft, item_id=line.item_id, amount=None, prior_amount=line.amount
        )
    for line in figures.vehicle_lines:
        VehicleLine.objects.create(disclosure=draft, kind_id=line.kind_id)
    for project in figures.key_projects:
        KeyProject.objects.create(disclosure=draft, order=project.order, name=project.name)
    for copy in workflow.copiers:
        copy(previous, draft)
    StatusChange.objects.create(
        disclosure=draft,
        from_status=Disclosure.Status.DRAFT,
        to_status=Disclosure.Status.DRAFT,
        user=user,
        comment=f"由{year - 1}年已公开版本准备",
    )
    return draft, True


def prepare_year_for(departments, *, year, user):
    """Prepare `year` for several departments; one department's problem stops no other."""
    result = Prepared(created=[], skipped=[])
    for department in departments:
        try:
            draft, created = prepare_year(department=department, year=year, user=user)
        except workflow.WorkflowError as error:
            result.skipped.append((department, str(error)))
            continue
        if created:
            result.created.append(draft)
        else:
            result.skipped.append((department, f"{year}年版本已存在"))
    return result
