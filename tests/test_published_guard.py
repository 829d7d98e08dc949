"""The database is the last guard of a published version: its triggers refuse what skips the
model layer (bulk_create, raw SQL) on SQLite and PostgreSQL alike, while drafts, publishing,
corrections and deleting a draft keep working."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from budgets import published_guard
from budgets.models import (
    Disclosure,
    DisclosurePart,
    IncomeLine,
    KeyProject,
    PublishedDisclosureError,
)
from budgets.workflow import disclosure_correct
from glossary.models import DisclosureTerm, Term
from tests import factories


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def table(model):
    return connection.ops.quote_name(model._meta.db_table)


def projects(disclosure):
    return list(KeyProject.objects.filter(disclosure=disclosure).values_list("name", flat=True))


def test_the_triggers_say_what_the_model_layer_says():
    assert str(PublishedDisclosureError()) == published_guard.MESSAGE


def test_bulk_create_into_a_published_version_is_refused(reference):
    before = projects(reference)
    with (
        pytest.raises(PublishedDisclosureError, match="已公开，不能修改或删除"),
        transaction.atomic(),
    ):
        KeyProject.objects.bulk_create(
            [KeyProject(disclosure=reference, order=999, name="绕过模型写入")]
        )
    assert projects(reference) == before


def test_bulk_create_of_glossary_entries_into_a_published_version_is_refused(reference):
    term = Term.objects.create(name="绕过的名词", definition="不应出现。")
    with pytest.raises(PublishedDisclosureError), transaction.atomic():
        DisclosureTerm.objects.bulk_create(
            [DisclosureTerm(disclosure=reference, term=term, order=999)]
        )
    assert not DisclosureTerm.objects.filter(term=term).exists()


def test_raw_sql_cannot_insert_update_or_delete_rows_of_a_published_version(reference):
    before = projects(reference)
    line = IncomeLine.objects.filter(disclosure=reference).first()
    statements = [
        (
            f"INSERT INTO {table(KeyProject)} (disclosure_id, {connection.ops.quote_name('order')},"
            " name) VALUES (%s, 999, 'x')",
            [reference.pk],
        ),
        (f"UPDATE {table(KeyProject)} SET name = 'x' WHERE disclosure_id = %s", [reference.pk]),
        (f"DELETE FROM {table(KeyProject)} WHERE disclosure_id = %s", [reference.pk]),
        (f"UPDATE {table(IncomeLine)} SET amount = 1 WHERE id = %s", [line.pk]),
    ]
    for sql, params in statements:
        with pytest.raises(IntegrityError, match="已公开，不能修改或删除"):
            raw(sql, params)
    assert projects(reference) == before
    assert IncomeLine.objects.get(pk=line.pk).amount == line.amount


def test_raw_sql_cannot_change_or_delete_the_published_row_or_its_frozen_copy(reference):
    frozen = Disclosure.objects.get(pk=reference.pk).frozen
    for sql in [
        f"UPDATE {table(Disclosure)} SET contact_phone = '1' WHERE id = %s",
        f"UPDATE {table(Disclosure)} SET frozen = NULL WHERE id = %s",
        f"UPDATE {table(Disclosure)} SET status = 'draft' WHERE id = %s",
        f"DELETE FROM {table(Disclosure)} WHERE id = %s",
    ]:
        with pytest.raises(IntegrityError, match="已公开"):
            raw(sql, [reference.pk])
    stored = Disclosure.objects.get(pk=reference.pk)
    assert stored.is_published and stored.frozen == frozen


def test_a_row_cannot_be_moved_out_of_a_published_version(reference, draft):
    line = KeyProject.objects.filter(disclosure=reference).first()
    with pytest.raises(IntegrityError):
        raw(f"UPDATE {table(KeyProject)} SET disclosure_id = %s WHERE id = %s", [draft.pk, line.pk])
    assert KeyProject.objects.get(pk=line.pk).disclosure_id == reference.pk


def test_drafts_stay_writable_by_bulk_create_and_raw_sql(draft):
    KeyProject.objects.bulk_create([KeyProject(disclosure=draft, order=999, name="草稿新增")])
    raw(f"UPDATE {table(KeyProject)} SET name = 'y' WHERE disclosure_id = %s", [draft.pk])
    raw(f"UPDATE {table(Disclosure)} SET contact_phone = '2' WHERE id = %s", [draft.pk])
    assert set(projects(draft)) == {"y"}
    assert Disclosure.objects.get(pk=draft.pk).contact_phone == "2"


def test_a_draft_can_still_be_deleted_with_its_rows(reference_data):
    draft = factories.disclosure(published=False, lines=[("2010301", "1", "2")])
    draft.delete()
    assert not Disclosure.objects.filter(pk=draft.pk).exists()
    assert not IncomeLine.objects.filter(disclosure_id=draft.pk).exists()


def test_publishing_and_correcting_still_work(reference_data, superuser):
    published = factories.disclosure(lines=[("2010301", "1", "2")])
    correction = disclosure_correct(disclosure=published, user=superuser, reason="更正测试")
    assert Disclosure.objects.get(pk=published.pk).is_published
    assert IncomeLine.objects.filter(disclosure=correction).count() == 1


def test_a_refusal_past_the_model_check_reads_as_the_model_layer_message(reference_data):
    d = factories.disclosure(published=False, lines=[("2010301", "1", "2")])
    line = IncomeLine.objects.get(disclosure=d)
    raw(f"UPDATE {table(Disclosure)} SET status = 'published' WHERE id = %s", [d.pk])
    line.amount = Decimal(9)
    # As when a version is published between the model's check and its write (a race).
    with (
        pytest.raises(PublishedDisclosureError),
        published_guard.readable_refusal(),
        transaction.atomic(),
    ):
        super(DisclosurePart, line).save()  # noqa: UP008 — skip DisclosurePart.save's check
    assert IncomeLine.objects.get(pk=line.pk).amount == Decimal(3)


def installed_guards():
    """Table names that carry a guard trigger, read from the database's own catalogue."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'"
                " AND name LIKE '%published_guard%'"
            )
        else:
            cursor.execute(
                "SELECT tgrelid::regclass::text FROM pg_trigger"
                " WHERE tgname LIKE '%published_guard%'"
            )
        return {name.strip('"') for (name,) in cursor.fetchall()}


def test_every_part_table_and_the_disclosure_table_are_guarded_but_no_history_table(db):
    expected = {model._meta.db_table for model in published_guard.guarded_models()}
    assert {"budgets_disclosure", "budgets_keyproject", "glossary_disclosureterm"} <= expected
    assert installed_guards() == expected


@pytest.mark.django_db(transaction=True)
def test_flushing_the_database_still_empties_published_versions(reference_data):
    from portal.disclosure_file import load_disclosure_file

    load_disclosure_file()
    call_command("flush", interactive=False, verbosity=0)
    assert not Disclosure.objects.exists()
    assert installed_guards() == {m._meta.db_table for m in published_guard.guarded_models()}
