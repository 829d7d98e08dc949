"""The publication workflow: every step allowed and refused by role, recorded, and the
correction flow end to end with its public history."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from budgets import workflow
from budgets.models import Disclosure, OfficialExpenseLine, StatusChange
from organizations.models import Duty
from tests.conftest import make_user, publish, record_checks
from tests.pagetext import visible_text

Status = Disclosure.Status


def test_an_editor_submits_and_a_reviewer_approves_and_publishes(draft, editor, reviewer):
    record_checks(draft)
    assert [s.name for s in workflow.allowed_steps(draft, editor)] == ["submit"]
    assert workflow.allowed_steps(draft, reviewer) == []
    workflow.disclosure_submit(disclosure=draft, user=editor, comment="请审核")
    draft.refresh_from_db()
    assert [s.name for s in workflow.allowed_steps(draft, reviewer)] == ["approve", "return"]
    assert workflow.allowed_steps(draft, editor) == []
    workflow.disclosure_approve(disclosure=draft, user=reviewer)
    published = workflow.disclosure_publish(disclosure=draft, user=reviewer)
    assert published.status == Status.PUBLISHED and published.published_at is not None
    log = [
        (c.from_status, c.to_status, c.user.username, c.comment) for c in draft.status_changes.all()
    ]
    assert log[1:] == [
        ("draft", "submitted", "editor", "请审核"),
        ("submitted", "approved", "reviewer", ""),
        ("approved", "published", "reviewer", ""),
    ]


@pytest.mark.parametrize(
    ("step", "who", "status", "message"),
    [
        ("approve", "editor", Status.SUBMITTED, "没有“审核通过”的权限"),
        ("publish", "editor", Status.APPROVED, "没有“公开”的权限"),
        ("submit", "reviewer", Status.DRAFT, "没有“提交审核”的权限"),
        ("publish", "reviewer", Status.SUBMITTED, "不能公开"),
        ("approve", "reviewer", Status.DRAFT, "不能审核通过"),
    ],
)
def test_steps_are_refused_to_the_wrong_role_or_status(
    draft, editor, reviewer, step, who, status, message
):
    Disclosure.objects.filter(pk=draft.pk).update(status=status)
    draft.refresh_from_db()
    user = {"editor": editor, "reviewer": reviewer}[who]
    with pytest.raises(workflow.WorkflowError, match=message):
        workflow.take_step(step, disclosure=draft, user=user, comment="意见")
    assert Disclosure.objects.get(pk=draft.pk).status == status


def test_no_one_approves_their_own_submission(draft, roles, django_user_model):
    both = make_user(django_user_model, "both", roles.EDITOR, [draft.department])
    both.groups.add(Group.objects.get(name=roles.REVIEWER))
    workflow.disclosure_submit(disclosure=draft, user=both)
    with pytest.raises(workflow.WorkflowError, match="不能审核自己提交的"):
        workflow.disclosure_approve(disclosure=draft, user=both)


def test_a_disclosure_with_errors_cannot_be_submitted(draft, editor):
    line = OfficialExpenseLine.objects.filter(disclosure=draft).first()
    income = draft.income_lines.get(source__code="other")
    income.amount = Decimal(5)
    income.save()
    with pytest.raises(
        workflow.WorkflowError, match="收入合计11096.84万元与支出合计11091.84万元不相等"
    ):
        workflow.disclosure_submit(disclosure=draft, user=editor)
    assert Disclosure.objects.get(pk=draft.pk).status == Status.DRAFT and line


def test_returning_needs_a_comment_and_goes_back_to_draft(draft, editor, reviewer):
    workflow.disclosure_submit(disclosure=draft, user=editor)
    with pytest.raises(workflow.WorkflowError, match="请填写意见"):
        workflow.disclosure_return(disclosure=draft, user=reviewer, comment=" ")
    workflow.disclosure_return(disclosure=draft, user=reviewer, comment="三公经费原因不全")
    assert Disclosure.objects.get(pk=draft.pk).status == Status.DRAFT
    assert draft.status_changes.last().comment == "三公经费原因不全"


def test_publishing_needs_both_recorded_checks(draft, editor, reviewer):
    workflow.disclosure_submit(disclosure=draft, user=editor)
    workflow.disclosure_approve(disclosure=draft, user=reviewer)
    with pytest.raises(workflow.WorkflowError, match="保密审查、部门主要负责人审签"):
        workflow.disclosure_publish(disclosure=draft, user=reviewer)


def test_publishing_twice_produces_one_publication(draft, editor, reviewer):
    publish(draft, editor, reviewer)
    with pytest.raises(workflow.WorkflowError, match="不能公开"):
        workflow.disclosure_publish(disclosure=draft, user=reviewer)
    assert StatusChange.objects.filter(disclosure=draft, to_status=Status.PUBLISHED).count() == 1


def test_a_published_version_keeps_the_duties_it_was_published_with(client, reference):
    duty = Duty.objects.get(unit_year__unit__relation="own_office", order=1)
    duty.text = "机构改革后改写的职责。"
    duty.save()
    page = visible_text(client.get(reference.get_absolute_url()).content.decode())
    assert "负责区政府会议的筹备工作" in page and "机构改革后改写的职责" not in page


def test_the_correction_flow_end_to_end(client, reference, draft, editor, reviewer):
    line = OfficialExpenseLine.objects.get(disclosure=draft, item__name="公务接待费")
    line.amount = Decimal("27.85")
    line.save()
    draft.basic_uses = "保障机构正常运转"
    draft.save()
    corrected = publish(draft, editor, reviewer)

    page = visible_text(client.get(corrected.get_absolute_url()).content.decode())
    assert "公务接待费27.85万元，比2024年减少1.4万元" in page
    assert "更正记录" in page and "更正原因：测试用更正" in page
    assert "“三公”经费：公务接待费本年预算数28.85万元27.85万元" in page
    assert "基本支出主要用途" in page
    old = visible_text(client.get(reference.get_absolute_url()).content.decode())
    assert "本页为第1版，已被更正" in old and "公务接待费28.85万元" in old
    home = client.get("/").content.decode()
    assert (
        corrected.get_absolute_url() in home
        and f'href="{reference.get_absolute_url()}"' not in home
    )


def test_only_the_latest_published_version_can_be_corrected(reference, draft, superuser):
    with pytest.raises(workflow.WorkflowError, match="已有更新的版本"):
        workflow.disclosure_correct(disclosure=reference, user=superuser, reason="再次更正")
    with pytest.raises(workflow.WorkflowError, match="只能更正已公开的版本"):
        workflow.disclosure_correct(disclosure=draft, user=superuser, reason="x")


def test_a_correction_needs_a_reason(reference, superuser):
    with pytest.raises(workflow.WorkflowError, match="请填写更正原因"):
        workflow.disclosure_correct(disclosure=reference, user=superuser, reason="")


def test_staff_preview_shows_a_draft_marked_as_preview(client, draft, editor):
    client.force_login(editor)
    page = visible_text(client.get(f"/disclosures/{draft.pk}/preview/").content.decode())
    assert "预览：此版本（第2版，草稿）尚未公开" in page
    assert "重庆市渝中区人民政府办公室2025年部门预算情况说明" in page


def test_the_public_cannot_preview(client, draft):
    response = client.get(f"/disclosures/{draft.pk}/preview/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_two_racing_publishes_produce_one_publication(reference, editor, reviewer):
    """Two reviewers press 公开 at the same moment, each on their own connection."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip(
            "行锁（select_for_update）只在 PostgreSQL 上有意义；CI 在 PostgreSQL 上运行本测试。"
        )
    draft = workflow.disclosure_correct(disclosure=reference, user=editor, reason="并发测试")
    record_checks(draft)
    workflow.disclosure_submit(disclosure=draft, user=editor)
    workflow.disclosure_approve(disclosure=draft, user=reviewer)
    barrier, outcomes = threading.Barrier(2), []

    def press():
        try:
            barrier.wait()
            workflow.disclosure_publish(
                disclosure=Disclosure.objects.get(pk=draft.pk), user=reviewer
            )
            outcomes.append("published")
        except workflow.WorkflowError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["published", "refused"]
    assert StatusChange.objects.filter(disclosure=draft, to_status=Status.PUBLISHED).count() == 1
    assert (
        Disclosure.objects.filter(department=reference.department, status=Status.PUBLISHED).count()
        == 2
    )
