"""Comparing a workbook's plan with a draft, keeping it between preview and confirm, and
applying it: one service per step (STYLE.md §7), the admin only calls them.

- `preview_import` reads and checks a file and lists every change; it writes nothing.
- `keep_preview` / `kept_preview` hold the checked plan (never the file) in `budgets.staging`
  under a random token tied to the user, with a fingerprint of the draft as it was previewed.
- `apply_import` applies it in one transaction through the model layer (every row saved or
  deleted on its own, so history is written), after checking the draft is still exactly as
  previewed; otherwise it refuses and nothing is written.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError, IntegrityError, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from budgets import staging
from budgets.models import (
    BasicExpenditureLine,
    Disclosure,
    EquipmentLine,
    ExpenditureLine,
    IncomeLine,
    KeyProject,
    OfficialExpenseLine,
    ProcurementLine,
    PublishedDisclosureError,
    VehicleLine,
)
from budgets.rules import check_disclosure
from budgets.tables import catalogue_for
from organizations.access import reaches

from .readers import read_plan
from .tables import GENERAL, SHEETS, Refs, fill_in_titles
from .workbook import ImportRefused, check_size, exact_text, open_workbook

STAGED_KIND = "disclosure-workbook"
DATABASE_FAILED = (
    "保存时数据库出错，未导入任何内容（已全部撤销）。请稍后重新上传文件再试；"
    "如果再次出现，请联系平台管理员。"
)


def _code(item, year):
    """A classification item's code as a natural key; an item of another year (a slip the
    rules report) gets a key of its own, so an import replaces it with the year's item."""
    if item is None:
        return ""
    return item.code if item.year == year else f"{item.code}（{item.year}年）"


def _item_label(items, code):
    item = items.get(code)
    return f"{code} {item.name}" if item else code


@dataclass(frozen=True)
class Section:
    """How one table's lines are stored: their model, value fields, natural key, and how a
    new line is made from a key."""

    key: str
    model: type
    fields: tuple
    labels: tuple  # one label per field, for people
    related: tuple
    natural_key: Callable
    build: Callable
    describe: Callable

    @property
    def title(self):
        return SHEETS[self.key]

    def stored(self, disclosure):
        rows = self.model.objects.filter(disclosure=disclosure).select_related(*self.related)
        return {self.natural_key(obj, disclosure.year): obj for obj in rows}


def _source_suffix(code, refs):
    return "" if code == GENERAL else f"［{refs.sources[code].name}］"


SECTIONS = [
    Section(
        "income",
        IncomeLine,
        ("amount", "prior_amount", "prior_execution", "change_reason"),
        ("本年预算数", "上年预算数", "上年执行数", "增减原因"),
        ("source",),
        lambda o, year: (o.source.code,),
        lambda d, k, refs: IncomeLine(disclosure=d, source=refs.sources[k[0]]),
        lambda k, refs: refs.sources[k[0]].name,
    ),
    Section(
        "expenditure",
        ExpenditureLine,
        (
            "basic",
            "project",
            "total",
            "prior_amount",
            "prior_execution",
            "purpose",
            "change_reason",
        ),
        (
            "基本支出",
            "项目支出",
            "合计（未分基本/项目）",
            "上年预算数",
            "上年执行数",
            "主要用途",
            "增减原因",
        ),
        ("source", "functional_item"),
        lambda o, year: (o.source.code, _code(o.functional_item, year)),
        lambda d, k, refs: ExpenditureLine(
            disclosure=d,
            source=refs.sources[k[0]],
            functional_item=refs.functional[k[1]] if k[1] else None,
        ),
        lambda k, refs: (
            (_item_label(refs.functional, k[1]) if k[1] else "不分科目（基本支出、项目支出合计）")
            + _source_suffix(k[0], refs)
        ),
    ),
    Section(
        "basic-economic",
        BasicExpenditureLine,
        ("amount", "prior_amount"),
        ("金额", "上年预算数"),
        ("economic_item",),
        lambda o, year: (_code(o.economic_item, year),),
        lambda d, k, refs: BasicExpenditureLine(disclosure=d, economic_item=refs.economic[k[0]]),
        lambda k, refs: _item_label(refs.economic, k[0]),
    ),
    Section(
        "official-expenses",
        OfficialExpenseLine,
        ("amount", "prior_amount", "change_reason"),
        ("本年预算数", "上年预算数", "增减原因"),
        ("item",),
        lambda o, year: (o.item.name,),
        lambda d, k, refs: OfficialExpenseLine(disclosure=d, item=refs.official[k[0]]),
        lambda k, refs: k[0],
    ),
    Section(
        "procurement",
        ProcurementLine,
        ("amount",),
        ("金额",),
        ("source", "category"),
        lambda o, year: (o.source.code, o.category.name),
        lambda d, k, refs: ProcurementLine(
            disclosure=d, source=refs.sources[k[0]], category=refs.categories[k[1]]
        ),
        lambda k, refs: f"{refs.sources[k[0]].name} · {k[1]}",
    ),
    Section(
        "vehicles",
        VehicleLine,
        ("held", "planned"),
        ("实有车辆", "本年拟购置"),
        ("kind",),
        lambda o, year: (o.kind.name,),
        lambda d, k, refs: VehicleLine(disclosure=d, kind=refs.kinds[k[0]]),
        lambda k, refs: k[0],
    ),
    Section(
        "key-projects",
        KeyProject,
        ("name", "amount"),
        ("项目名称", "金额"),
        (),
        lambda o, year: (o.order,),
        lambda d, k, refs: KeyProject(disclosure=d, order=k[0]),
        lambda k, refs: f"序号{k[0]}",
    ),
    Section(
        "equipment",
        EquipmentLine,
        ("order", "count"),
        ("序号", "数量（台/套）"),
        (),
        lambda o, year: (o.category, o.threshold),
        lambda d, k, refs: EquipmentLine(disclosure=d, category=k[0], threshold=k[1]),
        lambda k, refs: f"{k[0]}（单位价值{exact_text(k[1])}万元以上）",
    ),
]
# Tables that set figures of the disclosure itself: table key → {field: label}.
OWN_TABLES = {
    "basic-project": {"prior_basic": "上年基本支出", "prior_project": "上年项目支出"},
    "set-aside": {
        "procurement_sme_amount": "面向中小企业预留",
        "procurement_micro_amount": "其中：面向小微企业预留",
    },
}
OWN_FIELDS = tuple(f for fields in OWN_TABLES.values() for f in fields)
OWN_LABELS = {f: label for fields in OWN_TABLES.values() for f, label in fields.items()}


def stored_lines(disclosure):
    """{table key: {natural key: stored row}} of a disclosure, one query per table."""
    return {section.key: section.stored(disclosure) for section in SECTIONS}


def fingerprint(disclosure, stored):
    """A digest of everything an import reads or writes of this draft, plus its status and
    edit counter (bumped by every save in the admin): equal digests, untouched draft."""
    digest = hashlib.sha256(
        f"{disclosure.pk}:{disclosure.status}:{disclosure.edit_version}:"
        f"{[str(getattr(disclosure, f)) for f in OWN_FIELDS]}".encode()
    )
    for section in SECTIONS:
        for key, obj in sorted(stored[section.key].items(), key=lambda kv: repr(kv[0])):
            values = [str(getattr(obj, f)) for f in section.fields]
            digest.update(repr((section.key, key, values)).encode())
    return digest.hexdigest()


# ---------------------------------------------------------------- the comparison


def show(value):
    """A stored or planned value as text for the preview (amounts exact, in 万元)."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    return exact_text(value)


@dataclass
class LineChange:
    label: str
    values: list  # [(field label, before, after)], texts ready to print


@dataclass
class TableChanges:
    """What applying one table would do: new, changed (before → after), removed and
    unchanged lines."""

    key: str
    title: str
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)  # labels

    @property
    def count(self):
        return len(self.new) + len(self.changed) + len(self.removed)


def compare(disclosure, stored, plan, refs, titles=SHEETS):
    """[TableChanges] in sheet order, from the stored rows and the plan; each table named
    by the sheet title the file gave it (`titles`)."""
    result = {}
    for section in SECTIONS:
        table = plan.get(section.key)
        if table is None:
            continue  # an optional sheet the file lacks: its lines stay as they are
        labels = dict(zip(section.fields, section.labels, strict=True))
        changes = TableChanges(section.key, titles.get(section.key, section.title))
        rows = stored[section.key]
        for key, values in table.lines.items():
            obj = rows.get(key)
            name = section.describe(key, refs)
            if obj is None:
                changes.new.append(
                    LineChange(name, [(labels[f], "", show(values[f])) for f in table.fields])
                )
                continue
            differing = [
                (labels[f], show(getattr(obj, f)), show(values[f]))
                for f in table.fields
                if getattr(obj, f) != values[f]
            ]
            (changes.changed if differing else changes.unchanged).append(
                LineChange(name, differing) if differing else name
            )
        for key, obj in rows.items():
            if key not in table.lines:
                name = (
                    section.describe(key, refs)
                    if _known(disclosure, key, refs, section)
                    else str(obj)
                )
                changes.removed.append(
                    LineChange(
                        name, [(labels[f], show(getattr(obj, f)), "") for f in section.fields]
                    )
                )
        result[section.key] = changes
    for key in OWN_TABLES:
        if key not in plan:
            continue
        changes = TableChanges(key, titles.get(key, SHEETS[key]))
        values = plan[key].lines.get(("disclosure",), {})
        differing = [
            (OWN_LABELS[f], show(getattr(disclosure, f)), show(v))
            for f, v in values.items()
            if getattr(disclosure, f) != v
        ]
        if differing:
            changes.changed.append(LineChange("公开文件", differing))
        elif values:
            changes.unchanged.append("公开文件")
        result[key] = changes
    return [result[key] for key in SHEETS if key in result]


def _known(disclosure, key, refs, section):
    """Whether a line with this key can be made now (its source, item … still exist)."""
    try:
        section.build(disclosure, key, refs)
        section.describe(key, refs)
    except KeyError:
        return False
    return True


# ---------------------------------------------------------------- preview and keeping it


@dataclass
class Preview:
    disclosure_id: int
    file_name: str
    digest: str  # sha256 of the file
    plan: dict
    issues: list
    changes: list
    fingerprint: str
    notices: list = field(default_factory=list)  # e.g. 增减、合计已按各行重新计算

    @property
    def ok(self):
        return not self.issues

    @property
    def change_count(self):
        return sum(table.count for table in self.changes)


def refuse_unless_open(disclosure, user):
    """The service's own guard, whatever the caller checked: a draft the user reaches."""
    if not reaches(user, disclosure.department_id):
        raise ImportRefused("您只能导入本部门的公开文件。")
    if not disclosure.is_editable:
        raise ImportRefused(
            f"“{disclosure}”当前状态为“{disclosure.get_status_display()}”，只有草稿可以导入。"
            "已公开的版本请发起更正；已提交或已审核的请先退回修改。"
        )


def size_of(handle):
    size = getattr(handle, "size", None)
    if size is None:
        size = handle.seek(0, 2)
        handle.seek(0)
    return size


def preview_import(*, disclosure, upload, user, file_name=""):
    """Read and check an uploaded workbook against a draft and list every change; writes
    nothing. Raises ImportRefused for a file that cannot be read at all."""
    refuse_unless_open(disclosure, user)
    check_size(size_of(upload))
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    book = open_workbook(upload)
    try:
        refs = Refs.load(disclosure.year)
        titles = fill_in_titles(catalogue_for(disclosure))
        plan, issues, notices, titles = read_plan(book, disclosure, refs, titles)
    finally:
        book.close()
    stored = stored_lines(disclosure)
    return Preview(
        disclosure_id=disclosure.pk,
        file_name=file_name or getattr(upload, "name", "") or "",
        digest=digest.hexdigest(),
        plan=plan,
        issues=issues,
        changes=[] if issues else compare(disclosure, stored, plan, refs, titles),
        fingerprint=fingerprint(disclosure, stored),
        notices=notices,
    )


def keep_preview(preview, *, user):
    """Keep a checked plan until confirmed (at most an hour, `budgets.staging`); returns
    its token. Only the plan is kept, never the file, and only for the user who uploaded it."""
    if not preview.ok:
        raise ValueError("a plan with problems is never kept")
    kept = {
        "disclosure": preview.disclosure_id,
        "plan": preview.plan,
        "fingerprint": preview.fingerprint,
        "file_name": preview.file_name,
    }
    return staging.stage(kept, kind=STAGED_KIND, user=user)


def kept_preview(token, *, user, disclosure):
    """The kept preview of this token for this user and draft, or None."""
    kept = staging.staged(token, kind=STAGED_KIND, user=user)
    if not kept or kept["disclosure"] != disclosure.pk:
        return None
    return kept


def forget_preview(token):
    staging.unstage(token)


# ---------------------------------------------------------------- applying it


@dataclass
class Applied:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    problems: list = field(default_factory=list)  # the draft's consistency problems after

    @property
    def changed(self):
        return self.created + self.updated + self.deleted

    def __str__(self):
        return f"新增{self.created}行，修改{self.updated}行，删除{self.deleted}行"


def apply_import(*, disclosure, plan, expected_fingerprint, user):
    """Apply a previewed plan to a draft, all or nothing; refuses (ImportRefused) unless the
    draft is still a draft the user reaches and exactly as it was previewed."""
    try:
        with transaction.atomic():
            applied = _apply(disclosure, plan, expected_fingerprint, user)
    except IntegrityError:
        raise ImportRefused(
            "数据不符合数据库约束，未导入任何内容。请重新上传文件并预览。"
        ) from None
    except PublishedDisclosureError:
        raise ImportRefused("该公开文件已公开，不能导入；如需更正，请发起更正。") from None
    except DatabaseError:
        # Rolled back whole like a refused constraint; the person still needs a message, not a 500.
        raise ImportRefused(DATABASE_FAILED) from None
    fresh = Disclosure.objects.for_page().get(pk=disclosure.pk)
    applied.problems = check_disclosure(fresh)
    return applied


BATCH = 1000  # rows per INSERT/UPDATE statement


def _write(section, gone, new, changed, user):
    """One table's deletions, inserts and updates in bulk (10,000 lines: a few statements,
    not 10,000 saves), each with its history rows, attributed to the importing user. The
    draft is locked and checked editable by the caller; the database guard stays the last
    word on a published version."""
    model = section.model
    for start in range(0, len(gone), BATCH):
        # A queryset delete sends each row's post_delete: simple-history records the removal.
        model.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    if new:
        bulk_create_with_history(new, model, batch_size=BATCH, default_user=user)
    if changed:
        fields = [f for f in section.fields if f in {x.name for x in model._meta.fields}]
        bulk_update_with_history(changed, model, fields, batch_size=BATCH, default_user=user)


def _apply(disclosure, plan, expected_fingerprint, user):
    locked = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    refuse_unless_open(locked, user)
    stored = stored_lines(locked)
    if fingerprint(locked, stored) != expected_fingerprint:
        raise ImportRefused(
            "预览之后该草稿已被修改（在后台保存过，或又导入了文件），为免覆盖，未导入任何内容。"
            "请重新上传文件并预览。"
        )
    refs = Refs.load(locked.year)
    applied = Applied()
    for section in SECTIONS:
        if section.key not in plan:
            continue  # an optional sheet the file lacks
        table, rows = plan[section.key], stored[section.key]
        missing = [k for k in table.lines if k not in rows and not _known(locked, k, refs, section)]
        if missing:
            raise ImportRefused(
                f"{section.title}中的“{'、'.join(map(str, missing[0]))}”在预览之后已不存在，"
                "未导入任何内容。请重新上传文件并预览。"
            )
        gone = [obj.pk for key, obj in rows.items() if key not in table.lines]
        new, changed = [], []
        for key, values in table.lines.items():
            obj = rows.get(key)
            if obj is None:
                obj = section.build(locked, key, refs)
                new.append(obj)
            elif all(getattr(obj, f) == values[f] for f in table.fields):
                continue
            else:
                changed.append(obj)
            for name in table.fields:
                setattr(obj, name, values[name])
        _write(section, gone, new, changed, user)
        applied.deleted += len(gone)
        applied.created += len(new)
        applied.updated += len(changed)
    own = {
        name: value
        for key in OWN_TABLES
        if key in plan
        for name, value in plan[key].lines.get(("disclosure",), {}).items()
    }
    own_changed = any(getattr(locked, f) != v for f, v in own.items())
    if applied.changed or own_changed:
        for name, value in own.items():
            setattr(locked, name, value)
        if own_changed:
            applied.updated += 1
        locked.edit_version += 1  # an open change form of this draft must not overwrite it
        locked.save()
    return applied
