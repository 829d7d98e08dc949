"""Deadlines and the inspectors' measure for a year: each body's status (a department's own
budget and each unit budget), due date (财政批复 + the legal days), days left or overdue, and
及时率 = bodies that published within the deadline ÷ bodies required to publish. Exempt bodies
are left out; so are bodies whose 财政批复 date is not entered: their deadline is unknown, so
they are counted apart ("未录入批复日期") and never called late or on time."""

from dataclasses import dataclass

from django.utils import timezone

from .models import Disclosure, Exemption


@dataclass
class ProgressRow:
    department: object
    unit: object  # None for the department's own (consolidated) budget
    disclosure: Disclosure | None  # the version being worked on, else the current one
    first_published: Disclosure | None  # revision 1, whose date decides timeliness
    exemption: Exemption | None
    last_change: object  # a historical record (history_date, history_user) or None
    today: object

    @property
    def body(self):
        """The disclosing body as a person reads it: the department or “部门 › 单位”."""
        return f"{self.department} › {self.unit.name}" if self.unit else str(self.department)

    @property
    def approval_missing(self):
        """True when no 财政批复 date is entered, so the deadline cannot be known."""
        return self.exemption is None and (
            self.disclosure is None or self.disclosure.finance_approved_on is None
        )

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
        """Bodies counted in 及时率: not exempt, with a 财政批复 date entered."""
        return [row for row in self.rows if row.exemption is None and not row.approval_missing]

    @property
    def no_approval_date(self):
        """Bodies left out of 及时率 because their 财政批复 date is not entered."""
        return [row for row in self.rows if row.approval_missing]

    @property
    def exempt(self):
        return [row for row in self.rows if row.exemption is not None]

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
        return [row for row in self.rows if row.exemption is None and row.first_published is None]

    @property
    def overdue(self):
        return [row for row in self.rows if row.overdue]


def progress(departments, *, year, kind=Disclosure.Kind.BUDGET, today=None):
    """The year's progress for these departments: one row for each department's own budget,
    then one for each unit budget it has that year (a department's exemption covers them)."""
    today = today or timezone.localdate()
    departments = list(departments)
    versions = list(
        Disclosure.objects.filter(department__in=departments, year=year, kind=kind)
        .select_related("unit")
        .order_by("revision")
    )
    by_body = {}
    for version in versions:
        by_body.setdefault((version.department_id, version.unit_id), []).append(version)
    units = {v.unit_id: v.unit for v in versions if v.unit_id}
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
        unit_ids = sorted(
            (u for d, u in by_body if d == department.pk and u),
            key=lambda pk: (units[pk].order, units[pk].name),
        )
        for unit_id in [None, *unit_ids]:
            own = by_body.get((department.pk, unit_id), [])
            first = next((v for v in own if v.revision == 1 and v.is_published), None)
            latest = own[-1] if own else None
            last = max(
                (last_changes[v.pk] for v in own if v.pk in last_changes),
                key=lambda r: r.history_date,
                default=None,
            )
            rows.append(
                ProgressRow(
                    department,
                    units.get(unit_id),
                    latest,
                    first,
                    exemptions.get(department.pk),
                    last,
                    today,
                )
            )
    return Progress(year, rows)
