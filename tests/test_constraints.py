"""What must never be stored is refused by the database itself."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from budgets.models import Disclosure, ExpenditureLine, IncomeLine
from tests import factories


def refused(**kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        kwargs.pop("model").objects.create(**kwargs)


def test_negative_amounts_are_refused(reference_data):
    d = factories.disclosure(lines=[("2010301", "1", "0")], published=False)
    refused(
        model=ExpenditureLine,
        disclosure=d,
        source=factories.source(),
        functional_item=factories.item("2010302"),
        basic=Decimal("-1"),
        project=Decimal(0),
    )
    refused(
        model=IncomeLine, disclosure=d, source=factories.source("other"), amount=Decimal("-0.01")
    )


def test_a_second_disclosure_for_the_same_body_year_kind_and_revision_is_refused(reference):
    refused(model=Disclosure, department=reference.department, year=2025, kind="budget")
    unit = reference.department.units.first()
    Disclosure.objects.create(department=reference.department, unit=unit, year=2025)
    refused(model=Disclosure, department=reference.department, unit=unit, year=2025, revision=2)


def test_only_one_version_of_a_body_year_is_open_at_a_time(draft):
    refused(model=Disclosure, department=draft.department, year=2025, revision=3)


def test_a_second_line_for_the_same_code_is_refused(reference_data):
    d = factories.disclosure(lines=[("2010301", "1", "0")], published=False)
    refused(
        model=ExpenditureLine,
        disclosure=d,
        source=factories.source(),
        functional_item=factories.item("2010301"),
        basic=Decimal(1),
        project=Decimal(0),
    )
    ExpenditureLine.objects.create(
        disclosure=d, source=factories.source(), basic=Decimal(1), project=Decimal(0)
    )
    refused(
        model=ExpenditureLine,
        disclosure=d,
        source=factories.source(),
        basic=Decimal(2),
        project=Decimal(0),
    )
    refused(model=IncomeLine, disclosure=d, source=factories.source(), amount=Decimal(1))


def test_a_line_gives_either_its_split_or_only_its_total(reference_data):
    d = factories.disclosure(published=False)
    item = factories.item("2010302")
    refused(
        model=ExpenditureLine,
        disclosure=d,
        source=factories.source(),
        functional_item=item,
        basic=Decimal(1),
        project=Decimal(1),
        total=Decimal(2),
    )
    refused(
        model=ExpenditureLine,
        disclosure=d,
        source=factories.source(),
        functional_item=item,
        basic=Decimal(1),
    )
    refused(model=ExpenditureLine, disclosure=d, source=factories.source(), total=Decimal(2))


def test_a_unit_of_another_department_is_refused_by_validation(reference):
    other = factories.department("别的局")
    d = Disclosure(department=other, unit=reference.department.units.first(), year=2025)
    with pytest.raises(Exception, match="不属于该部门"):
        d.full_clean()
