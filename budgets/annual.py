"""The annual cycle: prepare year Y's drafts from each department's latest published Y−1
version. Units' duties, sections and staffing, key projects and the glossary selection are
carried over; last year's figures become this year's prior-year figures; this year's figures
start empty. Vehicle and equipment lines are carried as last year's rows for the contact
person to confirm (a vehicle kind renamed since moves to its new name; one no longer in use
keeps its old kind and the rules flag it); the SME set-aside is a new year's figure and
starts empty. Preparing twice creates nothing new."""

from dataclasses import dataclass

from django.db import transaction

from organizations.models import Duty, Section, StaffingQuota, UnitYear

from . import workflow
from .models import (
    BasicExpenditureLine,
    Disclosure,
    EconomicItem,
    EquipmentLine,
    ExpenditureLine,
    FunctionalItem,
    IncomeLine,
    KeyProject,
    OfficialExpenseLine,
    StatusChange,
    VehicleKind,
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


def _this_years_items(model, previous_items, year):
    """{code: item} of `year`'s list in force for the codes last year's lines used; a code
    the new list lacks keeps last year's item, which the rules then flag (never renamed)."""
    codes = {item.code for item in previous_items}
    current = model.objects.of_year(year).filter(code__in=codes)
    found = {item.code: item for item in current}
    return {item.code: found.get(item.code, item) for item in previous_items}


def _carry_lines(figures, draft):
    """Last year's lines as this year's, each with last year's amount as its prior-year
    figure (上年预算数) and its own amounts empty until the contact person fills them in."""
    for line in figures.income_lines:
        IncomeLine.objects.create(
            disclosure=draft, source_id=line.source_id, amount=None, prior_amount=line.amount
        )
    functional = _this_years_items(
        FunctionalItem,
        [line.functional_item for line in figures.expenditure_lines if line.functional_item_id],
        draft.year,
    )
    for line in figures.expenditure_lines:
        item = line.functional_item
        # A line without a code beside classified ones restates their basic/project split;
        # its prior is last year's split total, which no table adds to the classified ones.
        ExpenditureLine.objects.create(
            disclosure=draft,
            source_id=line.source_id,
            functional_item_id=functional[item.code].pk if item else None,
            prior_amount=line.amount,
        )
    economic = _this_years_items(
        EconomicItem, [line.economic_item for line in figures.basic_lines], draft.year
    )
    for line in figures.basic_lines:
        BasicExpenditureLine.objects.create(
            disclosure=draft,
            economic_item=economic[line.economic_item.code],
            amount=None,
            prior_amount=line.amount,
        )
    for line in figures.official_expense_lines:
        OfficialExpenseLine.objects.create(
            disclosure=draft, item_id=line.item_id, amount=None, prior_amount=line.amount
        )


def _this_years_kind(kind, year):
    """The vehicle kind of the same code whose name is in use in `year` (a renamed kind),
    else `kind` itself: a kind no longer in use is kept and flagged by the rules, never
    dropped or guessed."""
    if kind.code and not VehicleKind.objects.of_year(year).filter(pk=kind.pk).exists():
        renamed = VehicleKind.objects.of_year(year).filter(code=kind.code).first()
        if renamed is not None:
            return renamed
    return kind


def _carry_assets(figures, draft):
    """Vehicle lines by kind with their counts empty (0) as before, and equipment lines as
    last year's (category, threshold and count), to be confirmed by the contact person."""
    for line in figures.vehicle_lines:
        VehicleLine.objects.create(disclosure=draft, kind=_this_years_kind(line.kind, draft.year))
    for line in figures.equipment_lines:
        EquipmentLine.objects.create(
            disclosure=draft,
            order=line.order,
            category=line.category,
            threshold=line.threshold,
            count=line.count,
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
    _carry_lines(figures, draft)
    _carry_assets(figures, draft)
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
