"""Two people editing the same record: the later save is refused with a message and
overwrites nothing — on every screen a contact person edits."""

import pytest
from django.test import Client
from django.urls import reverse

from organizations.models import Duty, UnitYear
from tests.adminforms import form_values

CONFLICT = "您的修改未保存"


@pytest.fixture
def two_people(editor, superuser):
    """The contact person and a superuser, each with their own browser session."""
    theirs, mine = Client(), Client()
    theirs.force_login(editor)
    mine.force_login(superuser)
    return theirs, mine


def open_page(client, url, form_id):
    return form_values(client.get(url).content.decode(), form_id)


@pytest.fixture
def unit_year(reference):
    return UnitYear.objects.filter(unit__department=reference.department).first()


def test_the_later_of_two_unit_year_saves_gets_a_conflict_and_overwrites_nothing(
    two_people, unit_year
):
    theirs, mine = two_people
    url = reverse("admin:organizations_unityear_change", args=[unit_year.pk])
    their_form = open_page(theirs, url, "unityear_form")
    my_form = open_page(mine, url, "unityear_form")

    assert mine.post(url, {**my_form, "duties-0-text": "先保存的职责"}).status_code == 302
    response = theirs.post(url, {**their_form, "duties-0-text": "后保存的职责"})

    assert response.status_code == 200
    page = response.content.decode()
    assert CONFLICT in page and "已被root于" in page
    assert unit_year.duties.order_by("order").first().text == "先保存的职责"


def test_a_section_changed_meanwhile_also_counts_as_a_conflict(two_people, unit_year):
    theirs, _mine = two_people
    url = reverse("admin:organizations_unityear_change", args=[unit_year.pk])
    their_form = open_page(theirs, url, "unityear_form")
    section = unit_year.sections.first()
    section.name = "另一人改的科室"
    section.save()  # any path: an import, another screen

    response = theirs.post(url, {**their_form, "duties_preamble": "后保存的前言"})
    assert CONFLICT in response.content.decode()
    assert UnitYear.objects.get(pk=unit_year.pk).duties_preamble == unit_year.duties_preamble


def test_a_unit_year_saved_by_one_person_alone_saves(two_people, unit_year):
    theirs, _mine = two_people
    url = reverse("admin:organizations_unityear_change", args=[unit_year.pk])
    form = open_page(theirs, url, "unityear_form")
    assert theirs.post(url, {**form, "duties-0-text": "新的职责"}).status_code == 302
    assert Duty.objects.filter(unit_year=unit_year, text="新的职责").exists()


def test_the_later_of_two_unit_saves_gets_a_conflict(two_people, reference):
    theirs, mine = two_people
    unit = reference.department.units.first()
    url = reverse("admin:organizations_unit_change", args=[unit.pk])
    their_form = open_page(theirs, url, "unit_form")
    my_form = open_page(mine, url, "unit_form")

    assert mine.post(url, {**my_form, "rank": "正处级"}).status_code == 302
    response = theirs.post(url, {**their_form, "rank": "副处级"})
    assert CONFLICT in response.content.decode()
    unit.refresh_from_db()
    assert unit.rank == "正处级"
