"""A published page never changes: its body is rendered once, at publication, and served as
stored. Template edits and reference renames or reorders reach only later versions; the
corrections around the body stay live."""

import shutil
from copy import deepcopy
from pathlib import Path

from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from budgets.models import IncomeSource, NarrativeTemplate, VehicleKind
from portal.disclosure_file import load_disclosure_file
from tests.conftest import publish

DATA = Path(__file__).resolve().parent.parent / "portal" / "data"
SECOND = DATA / "qingshan-donghu-npc-office-2025.toml"
TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
NARRATIVE = "narratives/chongqing-budget-2025.html"


def page(client, disclosure):
    response = client.get(disclosure.get_absolute_url())
    assert response.status_code == 200
    return response.content


def use_template_dir(settings, directory):
    """Put `directory` before the project's templates (assigning TEMPLATES resets the
    template engines, so an edited file is read again)."""
    templates = deepcopy(django_settings.TEMPLATES)
    templates[0]["DIRS"] = [directory, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates


def test_a_published_page_is_byte_identical_after_its_template_file_is_edited(
    reference_data, settings, tmp_path, client, superuser
):
    narrative = tmp_path / NARRATIVE
    narrative.parent.mkdir(parents=True)
    shutil.copy(TEMPLATES / NARRATIVE, narrative)
    use_template_dir(settings, tmp_path)
    reference = load_disclosure_file().disclosure
    before = page(client, reference)

    text = narrative.read_text(encoding="utf-8")
    narrative.write_text(text.replace("部门预算", "部门预算（模板已修改）"), encoding="utf-8")
    use_template_dir(settings, tmp_path)

    assert page(client, reference) == before
    # The edit is live: a later version shows it.
    from budgets.workflow import disclosure_correct

    draft = disclosure_correct(disclosure=reference, user=superuser, reason="检查模板修改")
    client.force_login(superuser)
    preview = client.get(reverse("portal:preview", args=[draft.pk]))
    assert "部门预算（模板已修改）" in preview.content.decode()


def test_a_published_page_is_byte_identical_after_an_income_source_is_renamed(reference, client):
    before = page(client, reference)
    source = IncomeSource.objects.get(code="general_budget")
    assert source.name.encode() in before
    source.name = "一般公共预算拨款收入（改名）"
    source.save()
    assert page(client, reference) == before


def test_a_published_page_is_byte_identical_after_vehicle_kinds_are_reordered(reference, client):
    before = page(client, reference)
    kinds = list(VehicleKind.objects.all())
    for order, kind in enumerate(reversed(kinds)):
        kind.order = order
        kind.save()
    assert page(client, reference) == before


def test_the_reference_page_is_unchanged_by_a_second_region_loaded_edited_and_refreshed(
    reference, client, tmp_path
):
    before = page(client, reference)
    load_disclosure_file(SECOND)
    template = NarrativeTemplate.objects.get(template_name="narratives/shifan-budget-2025.html")
    template.table_unit = NarrativeTemplate.TableUnit.WAN
    template.save()
    for source in IncomeSource.objects.all():
        source.name += "（新）"
        source.save()
    call_command("load_reference_data", verbosity=0)
    assert page(client, reference) == before


def test_the_corrected_notice_stays_live_around_the_frozen_body(
    reference, client, editor, reviewer, superuser, django_capture_on_commit_callbacks
):
    from budgets.workflow import disclosure_correct

    before = page(client, reference).decode()
    assert "已被更正" not in before
    correction = disclosure_correct(disclosure=reference, user=superuser, reason="改正错字")
    with django_capture_on_commit_callbacks(execute=True):  # the page cache's hook
        publish(correction, editor, reviewer)
    after = page(client, reference).decode()
    assert "已被更正" in after and "更正原因：改正错字" in after


def test_a_published_page_reads_no_lines(reference, client, django_assert_max_num_queries):
    page(client, reference)  # warm the session-independent caches
    with django_assert_max_num_queries(6):
        page(client, reference)
