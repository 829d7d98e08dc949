"""A template that cannot render never breaks a page: a row naming a missing file is refused
when saved (admin and data file); a failing template shows a plain message in its part of the
page and is logged, never a 500, and a version cannot be published with it."""

from copy import deepcopy

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from budgets.models import NarrativeTemplate
from budgets.workflow import WorkflowError
from portal.disclosure_file import REFERENCE_FILE, DisclosureFileError, load_disclosure_file
from tests.adminforms import form_values
from tests.conftest import publish

FAILED = "本部分暂时无法显示"


def test_a_template_row_naming_a_missing_file_is_refused_with_a_chinese_message(reference):
    row = NarrativeTemplate.objects.get()
    row.template_name = "narratives/no-such-file.html"
    with pytest.raises(ValidationError, match="找不到模板文件“narratives/no-such-file.html”"):
        row.full_clean()


def test_a_template_row_must_name_a_narrative_file(reference):
    row = NarrativeTemplate.objects.get()
    row.template_name = "admin/base.html"
    with pytest.raises(ValidationError, match="templates/narratives/ 下的 .html 文件"):
        row.full_clean()


def test_the_admin_refuses_a_missing_template_file(reference, superuser, client):
    client.force_login(superuser)
    row = NarrativeTemplate.objects.get()
    url = reverse("admin:budgets_narrativetemplate_change", args=[row.pk])
    data = form_values(client.get(url).content.decode(), form_id="narrativetemplate_form")
    data["template_name"] = "narratives/missing.html"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "找不到模板文件" in response.content.decode()
    row.refresh_from_db()
    assert row.template_name == "narratives/chongqing-budget-2025.html"


def test_the_data_file_loader_refuses_a_missing_template_file(reference_data, tmp_path):
    text = REFERENCE_FILE.read_text(encoding="utf-8")
    old = 'file = "narratives/chongqing-budget-2025.html"'
    assert old in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, 'file = "narratives/typo.html"'), encoding="utf-8")
    with pytest.raises(DisclosureFileError, match="找不到模板文件"):
        load_disclosure_file(path)
    assert not NarrativeTemplate.objects.exists()


@pytest.fixture
def broken_template(settings, tmp_path, reference):
    """The reference's template row now names a file that loads but fails while rendering
    (as after a bad edit of the file on the server)."""
    folder = tmp_path / "narratives"
    folder.mkdir()
    (folder / "broken.html").write_text(
        '<p>说明</p>{% include "narratives/gone.html" %}', encoding="utf-8"
    )
    templates = deepcopy(django_settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    row = NarrativeTemplate.objects.get()
    row.template_name = "narratives/broken.html"
    row.save()  # the file was fine when saved; it broke afterwards
    return row


def test_a_failing_template_shows_a_plain_message_in_its_part_and_is_logged(
    broken_template, draft, superuser, client, caplog
):
    client.force_login(superuser)
    response = client.get(reverse("portal:preview", args=[draft.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert FAILED in page and draft.title in page
    assert "说明模板“narratives/broken.html”无法显示" in caplog.text


def test_a_published_page_keeps_its_body_when_its_template_breaks_later(
    broken_template, reference, client
):
    response = client.get(reference.get_absolute_url())
    assert response.status_code == 200
    assert FAILED not in response.content.decode()


def test_a_version_cannot_be_published_with_a_failing_template(
    broken_template, draft, editor, reviewer
):
    with pytest.raises(WorkflowError, match="说明模板无法显示，不能公开"):
        publish(draft, editor, reviewer)
    draft.refresh_from_db()
    assert not draft.is_published
