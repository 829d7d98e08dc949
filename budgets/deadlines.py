"""Deadlines and the inspectors' measure for a year: each department's status, due date
(财政批复 + the legal days), days left or overdue, and 及时率 = bodies that published within
the deadline ÷ bodies required to publish (exempt ones excluded)."""

from dataclasses import dataclass

from django.utils import timezone

from .models import Disclosure, Exemption


@dataclass
class ProgressRow:
    department: object
    disclosure: Disclosure | None  # the version being worked on, else the current one
    first_published: Disclosure | None  # revision 1, whose date decides timeliness
    exemption: Exemption | None
    last_change: object  # a historical record (history_date, history_user) or None
    today: object

    @property
    def due_date(self):
        return self.disclosure.due_date if self.disclosure else None

    @property
    def days_left(self):
        if self.due_date is None or self.first_published is not None:
            return None
        return (self.due_date - self.today).days

    @property
    def published_on(self):
        return self.first_published.published_on if self.first_published else None

    @property
    def on_time(self):
        """Published within the deadline (None while it cannot be said)."""
        if self.published_on is None or self.due_date is None:
            return None
        return self.published_on <= self.due_date

    @property
    def overdue(self):
        if self.exemption or self.due_date is None:
            return False
        if self.first_published is not None:
            return not self.on_time
        return self.today > self.due_date

    @property
    def state(self):
        if self.exemption:
            return "涉密不公开"
        if self.disclosure is None:
            return "尚未开始"
        return self.disclosure.get_status_display()


@dataclass
class Progress:
    year: int
    rows: list

    @property
    def required(self):
        return [row for row in self.rows if row.exemption is None]

    @property
    def published_on_time(self):
        return [row for row in self.required if row.on_time]

    @property
    def timeliness(self):
        """及时率 as a fraction (None when no body is required to publish)."""
        required = self.required
        return len(self.published_on_time) / len(required) if required else None

    @property
    def not_published(self):
        return [row for row in self.required if row.first_published is None]

    @property
    def overdue(self):
        return [row for row in self.rows if row.overdue]


def progress(departments, *, year, kind=Disclosure.Kind.BUDGET, today=None):
    """The year's progress for these departments (their department-level disclosures)."""
    today = today or timezone.localdate()
    departments = list(departments)
    versions = Disclosure.objects.filter(
        department__in=departments, unit__isnull=True, year=year, kind=kind
    ).order_by("revision")
    by_department = {}
    for version in versions:
        by_department.setdefault(version.department_id, []).append(version)
    exemptions = {
        e.department_id: e
        for e in Exemption.objects.filter(department__in=departments, year=year, kind=kind)
    }
    history = Disclosure.history.filter(id__in=[v.pk for v in versions]).select_related(
        "history_user"
    )
    last_changes = {}
    for record in history.order_by("history_date"):
        last_changes[record.id] = record
    rows = []
    for department in departments:
        own = by_department.get(department.pk, [])
        first = next((v for v in own if v.revision == 1 and v.is_published), None)
        latest = own[-1] if own else None
        last = max(
            (last_changes[v.pk] for v in own if v.pk in last_changes),
            key=lambda r: r.history_date,
            default=None,
        )
        rows.append(
            ProgressRow(department, latest, first, exemptions.get(department.pk), last, today)
        )
    return Progress(year, rows)
