"""What each role's start page (the admin index) shows: the contact person's disclosures
with their one next step, the reviewers' queue, the platform administrator's overview."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from budgets import deadlines
from budgets.models import Disclosure, Exemption
from budgets.rules import ERROR, check_disclosure
from organizations.access import scope
from organizations.models import Department

from .roles import EDITOR

Status = Disclosure.Status


@dataclass
class Task:
    """One disclosure on a start page, with what to do next."""

    disclosure: Disclosure
    today: object
    errors: int = 0
    warnings: int = 0
    returned_comment: str = ""
    submitted_at: object = None
    last_year: Disclosure | None = None

    @property
    def due_date(self):
        return self.disclosure.due_date

    @property
    def days_left(self):
        return self.disclosure.days_left(today=self.today)

    @property
    def overdue(self):
        return self.days_left is not None and self.days_left < 0

    @property
    def findings(self):
        return self.errors + self.warnings

    @property
    def next_step(self):
        """(button label, address) of the one next step, or None while others act."""
        change = reverse("admin:budgets_disclosure_change", args=[self.disclosure.pk])
        status = self.disclosure.status
        if status == Status.PUBLISHED:
            return "查看公开页面", self.disclosure.get_absolute_url()
        if status != Status.DRAFT:
            return None
        if self.returned_comment:
            return "查看意见", f"{change}#workflow"
        if not self.errors:
            return "提交审核", f"{change}#workflow"
        if self.disclosure.figures.income.current == 0:
            return "填写", change
        return "修改", f"{change}#findings"


def _returned_comment(disclosure):
    """The reviewer's comment when the draft's latest step was a return, else ""."""
    last = disclosure.status_changes.order_by("-at", "-pk").first()
    returned_from = (Status.SUBMITTED, Status.APPROVED)
    if last and last.to_status == Status.DRAFT and last.from_status in returned_from:
        return last.comment or "（审核人未填写意见）"
    return ""


def _latest_versions(disclosures):
    """The newest revision of each body-year-kind among `disclosures`."""
    newest = {}
    for d in disclosures.order_by("revision"):
        newest[(d.department_id, d.unit_id, d.year, d.kind)] = d
    return list(newest.values())


def editor_tasks(user, *, today=None):
    """The contact person's disclosures of the latest year their departments work on
    (department and unit budgets), each with findings, deadline and next step."""
    today = today or timezone.localdate()
    own = Disclosure.objects.filter(department__members=user).select_related("department", "unit")
    year = own.aggregate(year=Max("year"))["year"]
    if year is None:
        return []
    tasks = []
    for disclosure in _latest_versions(own.filter(year=year)):
        problems = [] if disclosure.is_published else check_disclosure(disclosure)
        errors = sum(1 for p in problems if p.severity == ERROR)
        last_year = (
            Disclosure.objects.current()
            .filter(
                department_id=disclosure.department_id,
                unit_id=disclosure.unit_id,
                year=year - 1,
                kind=disclosure.kind,
            )
            .first()
        )
        tasks.append(
            Task(
                disclosure,
                today,
                errors=errors,
                warnings=len(problems) - errors,
                returned_comment=_returned_comment(disclosure)
                if disclosure.status == Status.DRAFT
                else "",
                last_year=last_year,
            )
        )
    return sorted(tasks, key=lambda t: (t.disclosure.unit_id is not None, str(t.disclosure)))


def review_queue(user, *, today=None):
    """Submitted and approved versions the reviewer reaches: overdue ones first, then the
    oldest submission first."""
    today = today or timezone.localdate()
    waiting = scope(
        Disclosure.objects.filter(status__in=[Status.SUBMITTED, Status.APPROVED]),
        user,
        "department",
    ).select_related("department", "unit")
    tasks = []
    for disclosure in waiting:
        submitted = (
            disclosure.status_changes.filter(to_status=Status.SUBMITTED).order_by("-at").first()
        )
        tasks.append(Task(disclosure, today, submitted_at=submitted.at if submitted else None))
    return sorted(
        tasks,
        key=lambda t: (not t.overdue, t.submitted_at or timezone.now(), t.disclosure.pk),
    )


@dataclass
class Overview:
    year: int
    progress: deadlines.Progress
    exemptions: list
    users_without_department: list


def admin_overview(user, *, today=None):
    """The year's progress, its exemptions and the contact persons not yet given a
    department (they see nothing until one is set)."""
    today = today or timezone.localdate()
    year = Disclosure.objects.aggregate(year=Max("year"))["year"] or today.year
    departments = scope(Department.objects.select_related("region"), user, "")
    users = (
        get_user_model()
        .objects.filter(is_active=True, departments__isnull=True)
        .filter(Q(groups__name=EDITOR))
        .distinct()
        .order_by("username")
    )
    return Overview(
        year,
        deadlines.progress(departments.order_by("region__order", "order", "name"), year=year),
        list(Exemption.objects.filter(year=year).select_related("department")),
        list(users),
    )


def start_page(user, *, today=None):
    """The blocks of `user`'s start page, by what their role lets them do."""
    blocks = {}
    if user.has_perm("budgets.submit_disclosure"):
        blocks["tasks"] = editor_tasks(user, today=today)
    if user.has_perm("budgets.approve_disclosure") or user.has_perm("budgets.publish_disclosure"):
        blocks["queue"] = review_queue(user, today=today)
    if user.has_perm("auth.change_user"):
        blocks["overview"] = admin_overview(user, today=today)
    return blocks
