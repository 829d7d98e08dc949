"""One step of a disclosure spreadsheet import, run as its own Python process by
tests/test_shared_cache.py: `preview` uploads a workbook as the contact person and writes the
confirm form to a state file; `confirm` posts that form from a fresh process.

    python -m tests.import_process preview|confirm STATE.json

The database (a SQLite file) and the cache (REDIS_URL) come from the environment.
"""

import io
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def preview(state_file):
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from budgets.models import KeyProject
    from budgets.workflow import disclosure_correct
    from portal import roles
    from portal.disclosure_file import load_disclosure_file
    from tests.adminforms import form_values

    call_command("migrate", verbosity=0)
    reference = load_disclosure_file().disclosure
    root = User.objects.create_superuser("root", "", "pw-root-1")
    draft = disclosure_correct(disclosure=reference, user=root, reason="跨进程导入")
    editor = User.objects.create_user("editor", password="pw-editor-1", is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.EDITOR))
    reference.department.members.add(editor)
    for project in KeyProject.objects.filter(disclosure=draft):
        project.delete()  # the import brings them back from the published workbook

    client = Client()
    client.force_login(editor)
    workbook = client.get(reverse("portal:disclosure_xlsx", args=[reference.pk])).content
    handle = io.BytesIO(workbook)
    handle.name = "公开表格.xlsx"
    url = reverse("admin:budgets_disclosure_spreadsheet_import", args=[draft.pk])
    response = client.post(url, {"file": handle})
    confirm = reverse("admin:budgets_disclosure_spreadsheet_confirm", args=[draft.pk])
    state = {
        "draft": draft.pk,
        "session": client.cookies["sessionid"].value,
        "confirm": confirm,
        "data": form_values(response.content.decode(), action=confirm),
    }
    Path(state_file).write_text(json.dumps(state), encoding="utf-8")


def confirm(state_file):
    from django.test import Client

    from budgets.models import KeyProject
    from tests.pagetext import visible_text

    state = json.loads(Path(state_file).read_text(encoding="utf-8"))
    client = Client()
    client.cookies["sessionid"] = state["session"]
    response = client.post(state["confirm"], state["data"], follow=True)
    result = {
        "status": response.status_code,
        "text": visible_text(response.content.decode()),
        "key_projects": KeyProject.objects.filter(disclosure_id=state["draft"]).count(),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    import django

    django.setup()
    {"preview": preview, "confirm": confirm}[sys.argv[1]](sys.argv[2])
