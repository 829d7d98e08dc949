"""The publication workflow, one function per step (STYLE.md §7): submit, approve, publish,
return for changes, correct a published version. Each runs in one transaction on a locked
row, checks role, department and status first, and records who, when and why.

    draft ──submit──▶ submitted ──approve──▶ approved ──publish──▶ published
      ▲                   │                      │                     │
      └──────return───────┴──────────────────────┘          correct ──▶ new draft revision
"""

from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone

from organizations.access import reaches

from . import notices, revisions, snapshots
from .models import (
    BasicExpenditureLine,
    Disclosure,
    DisclosureCheck,
    EquipmentLine,
    ExpenditureLine,
    IncomeLine,
    KeyProject,
    OfficialExpenseLine,
    PerformanceTarget,
    ProcurementLine,
    ProjectWriteUp,
    PublishedSentence,
    StatusChange,
    VehicleLine,
)
from .rules import ERROR, check_disclosure

Status = Disclosure.Status

# Rows copied into a correction; apps with rows of their own per disclosure register theirs.
PART_MODELS = [
    IncomeLine,
    ExpenditureLine,
    BasicExpenditureLine,
    OfficialExpenseLine,
    ProcurementLine,
    VehicleLine,
    EquipmentLine,
    KeyProject,
    ProjectWriteUp,  # after KeyProject: these hang on its copies
    PerformanceTarget,
    PublishedSentence,
]
copiers = []
# How a version's content checksum is computed: the portal registers it (it covers the
# open-data JSON, which the portal builds); the workflow stores it once, at publication.
checksums = []
# How a version's page body is rendered: the portal registers it (it owns the templates); the
# workflow stores it once, at publication, inside the publish transaction, because the
# database refuses any later write to a published version.
renderers = []
# Files rendered from that body and stored with the version (the portal registers its PDF).
attachments = []
# What runs once a publication is committed (the portal writes the version's open-data files).
publication_hooks = []


class WorkflowError(Exception):
    """A step that is not allowed now; the message says why, in Chinese."""


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    sources: tuple
    target: str
    permission: str


STEPS = {
    "submit": Step(
        "submit", "提交审核", (Status.DRAFT,), Status.SUBMITTED, "budgets.submit_disclosure"
    ),
    "approve": Step(
        "approve", "审核通过", (Status.SUBMITTED,), Status.APPROVED, "budgets.approve_disclosure"
    ),
    "publish": Step(
        "publish", "公开", (Status.APPROVED,), Status.PUBLISHED, "budgets.publish_disclosure"
    ),
    "return": Step(
        "return",
        "退回修改",
        (Status.SUBMITTED, Status.APPROVED),
        Status.DRAFT,
        "budgets.return_disclosure",
    ),
}


def register_copier(func):
    """Register `func(source, target)` that copies an app's own rows into a new version."""
    copiers.append(func)
    return func


def register_renderer(func):
    """Register `func(disclosure) -> str`, the page body stored when a version is published
    (it raises WorkflowError when the body cannot be rendered; with none registered,
    versions are published without one)."""
    renderers[:] = [func]
    return func


def register_attachment(func):
    """Register `func(disclosure)`, run when a version is published, after its page body is
    rendered and before it is saved: it may store a file rendered from that body on the
    version (the portal's PDF). Registering the same function again replaces it."""
    attachments[:] = [f for f in attachments if f is not func] + [func]
    return func


def register_checksum(func):
    """Register `func(disclosure) -> str`, the content checksum stored when a version is
    published (with none registered, versions are published without one)."""
    checksums[:] = [func]
    return func


def register_publication_hook(func):
    """Register `func(disclosure)`, run after the transaction that published a version
    commits; a failure is logged and does not undo the publication. Several apps may
    register one each (registering the same function again changes nothing)."""
    if func not in publication_hooks:
        publication_hooks.append(func)
    return func


def allowed_steps(disclosure, user):
    """The steps `user` may take on `disclosure` now (for the admin's buttons)."""
    return [step for step in STEPS.values() if _refusal(step, disclosure, user) is None]


def _refusal(step, disclosure, user):
    """Why `user` may not take `step` now, or None."""
    if disclosure.status not in step.sources:
        return f"“{disclosure}”当前状态为“{disclosure.get_status_display()}”，不能{step.label}。"
    if not user.has_perm(step.permission):
        return f"您没有“{step.label}”的权限。"
    if not reaches(user, disclosure.department_id):
        return "您只能处理本部门的公开文件。"
    if step.name == "approve" and _submitter(disclosure) == user.pk:
        return "不能审核自己提交的公开文件，请由其他审核人审核。"
    return None


def _submitter(disclosure):
    last = (
        disclosure.status_changes.filter(to_status=Status.SUBMITTED).order_by("-at", "-pk").first()
    )
    return last.user_id if last else None


def _locked(disclosure):
    return Disclosure.objects.select_for_update().get(pk=disclosure.pk)


def _move(disclosure, step, user, comment):
    refusal = _refusal(step, disclosure, user)
    if refusal:
        raise WorkflowError(refusal)
    StatusChange.objects.create(
        disclosure=disclosure,
        from_status=disclosure.status,
        to_status=step.target,
        user=user,
        comment=comment,
    )
    disclosure.status = step.target


@transaction.atomic
def disclosure_submit(*, disclosure, user, comment=""):
    """Send a draft for review; refused while any consistency rule reports an error."""
    disclosure = _locked(disclosure)
    errors = [p for p in check_disclosure(disclosure) if p.severity == ERROR]
    if errors:
        raise WorkflowError("还有错误需要改正才能提交：" + "；".join(p.message for p in errors))
    _move(disclosure, STEPS["submit"], user, comment)
    disclosure.save(update_fields=["status"])
    return disclosure


@transaction.atomic
def disclosure_approve(*, disclosure, user, comment=""):
    """Approve a submitted disclosure (never one's own submission)."""
    disclosure = _locked(disclosure)
    _move(disclosure, STEPS["approve"], user, comment)
    disclosure.save(update_fields=["status"])
    _notify_after_commit(disclosure, comment)
    return disclosure


@transaction.atomic
def disclosure_return(*, disclosure, user, comment):
    """Send a submitted or approved disclosure back to draft, with the reason."""
    if not comment.strip():
        raise WorkflowError("退回修改时请填写意见，说明需要修改的内容。")
    disclosure = _locked(disclosure)
    _move(disclosure, STEPS["return"], user, comment)
    disclosure.save(update_fields=["status"])
    _notify_after_commit(disclosure, comment)
    return disclosure


@transaction.atomic
def disclosure_publish(*, disclosure, user, comment=""):
    """Publish an approved disclosure: freeze it, date it and, for a correction, record what
    changed since the version it corrects. Racing publishes produce one publication."""
    disclosure = _locked(disclosure)
    refusal = _refusal(STEPS["publish"], disclosure, user)
    if refusal:
        raise WorkflowError(refusal)
    missing = {kind for kind in DisclosureCheck.Kind} - set(
        disclosure.checks.values_list("kind", flat=True)
    )
    if missing:
        labels = "、".join(str(DisclosureCheck.Kind(kind).label) for kind in sorted(missing))
        raise WorkflowError(f"公开前须记录{labels}的结论。")
    _move(disclosure, STEPS["publish"], user, comment)
    _freeze(disclosure, published_on=timezone.localdate())
    _notify_after_commit(disclosure, comment)
    return disclosure


def _notify_after_commit(disclosure, comment):
    # Only a step that really happened is announced: a rolled-back one sends nothing.
    transaction.on_commit(lambda: notices.notify_step(disclosure, comment))


def _freeze(disclosure, *, published_on):
    disclosure.frozen = snapshots.live_snapshot(disclosure)
    disclosure.published_at = timezone.now()
    disclosure.published_on = published_on
    if disclosure.supersedes_id:
        old = Disclosure.objects.for_page().get(pk=disclosure.supersedes_id)
        fresh = Disclosure.objects.for_page().get(pk=disclosure.pk)
        disclosure.changes = revisions.diff(
            revisions.flatten(old, snapshots.snapshot_of(old)),
            revisions.flatten(fresh, disclosure.frozen),
        )
    disclosure.status = Status.PUBLISHED
    for checksum in checksums:  # it covers everything set above (the open data, not the HTML)
        disclosure.content_checksum = checksum(disclosure)
    for render in renderers:  # the body shows the snapshot, dates and checksum
        disclosure.published_body = render(disclosure)
    for attach in attachments:  # files rendered from that body (the PDF)
        attach(disclosure)
    disclosure.save()
    for hook in publication_hooks:
        transaction.on_commit(partial(hook, disclosure), robust=True)


@transaction.atomic
def record_publication(*, disclosure):
    """Mark a disclosure loaded from a file of an already-published document as published
    (it was published outside the portal: no review steps to replay)."""
    disclosure = _locked(disclosure)
    StatusChange.objects.create(
        disclosure=disclosure,
        from_status=disclosure.status,
        to_status=Status.PUBLISHED,
        user=None,
        comment="按已公开的文件导入",
    )
    # A document that states no publication date keeps none (the page says 未注明): the day
    # of loading is not the day it was published, and reloading the file must change nothing.
    _freeze(disclosure, published_on=disclosure.published_on)
    return disclosure


@transaction.atomic
def disclosure_correct(*, disclosure, user, reason):
    """Open a correction (更正): a new draft revision copied from the current published one.
    It goes through the same workflow; the published version stays as it is."""
    if not reason.strip():
        raise WorkflowError("请填写更正原因，它将在公开页面的更正记录中显示。")
    disclosure = _locked(disclosure)
    if not disclosure.is_published:
        raise WorkflowError("只能更正已公开的版本。")
    if not (user.has_perm("budgets.change_disclosure") and reaches(user, disclosure.department_id)):
        raise WorkflowError("您没有更正该公开文件的权限。")
    if (
        Disclosure.objects.revisions_of(disclosure)
        .filter(revision__gt=disclosure.revision)
        .exists()
    ):
        raise WorkflowError("该文件已有更新的版本，请在最新版本上更正。")
    published_id = disclosure.pk
    correction = disclosure
    correction.pk = correction.id = None
    correction._state.adding = True
    correction.__dict__.pop("figures", None)
    correction.revision += 1
    correction.supersedes_id = published_id
    correction.status = Status.DRAFT
    correction.correction_reason = reason
    correction.published_on = correction.published_at = correction.frozen = None
    correction.changes = []
    correction.content_checksum = ""
    correction.published_body = None
    correction.pdf = correction.pdf_checksum = None  # its own is printed at its publication
    correction.edit_version = 0
    correction.save()
    source = Disclosure.objects.get(pk=published_id)
    copied_projects = {}
    for model in PART_MODELS:
        for row in model.objects.filter(disclosure=source):
            original = row.pk
            row.pk = row.id = None
            row._state.adding = True
            row.disclosure = correction
            if hasattr(row, "project_id"):  # a project's write-up or target: onto its copy
                row.project_id = copied_projects[row.project_id]
            row.save()
            if model is KeyProject:
                copied_projects[original] = row.pk
    for copy in copiers:
        copy(source, correction)
    StatusChange.objects.create(
        disclosure=correction,
        from_status=Status.PUBLISHED,
        to_status=Status.DRAFT,
        user=user,
        comment=f"发起更正：{reason}",
    )
    return correction


ACTIONS = {
    "submit": disclosure_submit,
    "approve": disclosure_approve,
    "publish": disclosure_publish,
    "return": disclosure_return,
}


def take_step(name, *, disclosure, user, comment=""):
    """Run the named step (the admin's buttons come through here)."""
    if name not in ACTIONS:
        raise WorkflowError("未知的操作。")
    return ACTIONS[name](disclosure=disclosure, user=user, comment=comment)
