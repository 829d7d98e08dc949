"""django-import-export resources for a region's set-up: departments, units, and each
unit's duties, sections and staffing quotas for a year. They live in the portal, which
composes the apps: the safe formats and the project base Resource come from budgets, the
models from organizations (which uses no other app).

Rows are matched by natural keys (region path + name, department + unit name, unit-year +
number …), never by database ids; columns have Chinese names; an unknown choice, name or
number is a row error in Chinese; a row naming another department is refused.
"""

from import_export import fields, widgets

from budgets.resources import (
    ChoiceLabelWidget,
    CountWidget,
    FlagWidget,
    NameWidget,
    ProjectResource,
    RegionPathWidget,
    TextWidget,
    _refuse,
    cells,
)
from organizations.models import (
    YEAR_VALIDATORS,
    Department,
    Duty,
    Section,
    StaffingKind,
    StaffingQuota,
    Unit,
    UnitKind,
    UnitYear,
)


class DepartmentWidget(widgets.ForeignKeyWidget):
    """A department by its full or short name, among the departments the importing user
    reaches: another department's name is refused like an unknown one."""

    resource = None  # set by RegionResource: the user is known only per import

    def __init__(self):
        super().__init__(Department)

    def clean(self, value, row=None, **kwargs):
        name = cells.text(value)
        if not name:
            _refuse("部门", "缺少部门名称。")
        candidates = Department.objects.filter(name=name) or Department.objects.filter(
            short_name=name
        )
        found = list(self.resource.scoped(candidates, "")[:2])
        if not found:
            _refuse("部门", f"部门“{name}”不存在，或不是您所在的部门（只能导入本部门的数据）。")
        if len(found) > 1:
            _refuse("部门", f"部门名称“{name}”不唯一，请使用部门全称。")
        return found[0]

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class UnitYearWidget(widgets.ForeignKeyWidget):
    """A unit's record for a year, from the row's 部门, 单位 and 年度 columns. A missing
    unit-year is created: the whole import runs in one transaction, rolled back after a
    preview and on any error, so nothing is left behind by a file that is not imported."""

    resource = None

    def __init__(self):
        super().__init__(UnitYear)
        self.departments = DepartmentWidget()

    def clean(self, value, row=None, **kwargs):
        try:
            year = cells.count(value)
        except cells.CellError:
            year = None
        low, high = (v.limit_value for v in YEAR_VALIDATORS)
        if year is None or not low <= year <= high:
            _refuse("年度", f"年度“{cells.text(value)}”应为{low}至{high}之间的四位数年份。")
        self.departments.resource = self.resource
        department = self.departments.clean((row or {}).get("部门"))
        name = cells.text((row or {}).get("单位"))
        unit = Unit.objects.filter(department=department, name=name).first()
        if unit is None:
            _refuse("单位", f"部门“{department}”没有名为“{name}”的单位，请先导入或添加该单位。")
        unit_year = UnitYear.objects.filter(unit=unit, year=year).first()
        if unit_year is None:
            unit_year = UnitYear(unit=unit, year=year)
            unit_year.save()
        return unit_year

    def render(self, value, obj=None, **kwargs):
        return value.year if value else ""


class DepartmentResource(ProjectResource):
    region = fields.Field(attribute="region", column_name="地区", widget=RegionPathWidget())
    name = fields.Field(attribute="name", column_name="部门全称", widget=TextWidget())
    short_name = fields.Field(attribute="short_name", column_name="简称", widget=TextWidget())
    code = fields.Field(attribute="code", column_name="部门编码", widget=TextWidget())
    order = fields.Field(attribute="order", column_name="排序", widget=CountWidget(), default=0)

    department_path = ""

    class Meta(ProjectResource.Meta):
        model = Department
        name = "部门"
        fields = ["region", "name", "short_name", "code", "order"]
        import_id_fields = ["region", "name"]


class ParentUnitWidget(widgets.ForeignKeyWidget):
    """A unit's parent (上级单位) by its name in the row's 部门; blank for a top unit."""

    resource = None

    def __init__(self):
        super().__init__(Unit)
        self.departments = DepartmentWidget()

    def clean(self, value, row=None, **kwargs):
        name = cells.text(value)
        if not name:
            return None
        self.departments.resource = self.resource
        department = self.departments.clean((row or {}).get("部门"))
        parent = Unit.objects.filter(department=department, name=name).first()
        if parent is None:
            _refuse("上级单位", f"部门“{department}”没有名为“{name}”的单位：上级单位须先导入。")
        return parent

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class UnitResource(ProjectResource):
    department = fields.Field(attribute="department", column_name="部门", widget=DepartmentWidget())
    name = fields.Field(attribute="name", column_name="单位全称", widget=TextWidget())
    relation = fields.Field(
        attribute="relation", column_name="与部门的关系", widget=ChoiceLabelWidget(Unit.Relation)
    )
    kind = fields.Field(
        attribute="kind",
        column_name="单位性质",
        widget=NameWidget(UnitKind, "单位性质", optional=True),
    )
    funding = fields.Field(
        attribute="funding", column_name="经费渠道", widget=ChoiceLabelWidget(Unit.Funding)
    )
    rank = fields.Field(attribute="rank", column_name="机构规格", widget=TextWidget())
    order = fields.Field(attribute="order", column_name="排序", widget=CountWidget(), default=0)
    parent = fields.Field(attribute="parent", column_name="上级单位", widget=ParentUnitWidget())
    count = fields.Field(attribute="count", column_name="单位个数", widget=CountWidget(), default=1)
    merged = fields.Field(
        attribute="merged_into_parent", column_name="不单列预算", widget=FlagWidget()
    )

    department_path = "department"

    class Meta(ProjectResource.Meta):
        model = Unit
        name = "单位"
        fields = [
            "department",
            "name",
            "relation",
            "kind",
            "funding",
            "rank",
            "order",
            "parent",
            "count",
            "merged",
        ]
        import_id_fields = ["department", "name"]


class UnitYearRowResource(ProjectResource):
    """Rows that belong to a unit in a year: 部门, 单位, 年度 locate the unit-year."""

    department = fields.Field(
        attribute="unit_year__unit__department__name", column_name="部门", readonly=True
    )
    unit = fields.Field(attribute="unit_year__unit__name", column_name="单位", readonly=True)
    unit_year = fields.Field(attribute="unit_year", column_name="年度", widget=UnitYearWidget())

    department_path = "unit_year__unit__department"

    def natural_columns(self):
        return ["部门", "单位", *super().natural_columns()]


class DutyResource(UnitYearRowResource):
    order = fields.Field(attribute="order", column_name="序号", widget=CountWidget())
    text = fields.Field(attribute="text", column_name="职责内容", widget=TextWidget())

    class Meta(ProjectResource.Meta):
        model = Duty
        name = "职能职责"
        fields = ["department", "unit", "unit_year", "order", "text"]
        import_id_fields = ["unit_year", "order"]


class SectionResource(UnitYearRowResource):
    order = fields.Field(attribute="order", column_name="序号", widget=CountWidget())
    name = fields.Field(attribute="name", column_name="科室名称", widget=TextWidget())

    class Meta(ProjectResource.Meta):
        model = Section
        name = "内设科室"
        fields = ["department", "unit", "unit_year", "order", "name"]
        import_id_fields = ["unit_year", "order"]


class StaffingResource(UnitYearRowResource):
    kind = fields.Field(
        attribute="kind", column_name="编制类型", widget=NameWidget(StaffingKind, "编制类型")
    )
    count = fields.Field(attribute="count", column_name="编制人数", widget=CountWidget())

    class Meta(ProjectResource.Meta):
        model = StaffingQuota
        name = "编制"
        fields = ["department", "unit", "unit_year", "kind", "count"]
        import_id_fields = ["unit_year", "kind"]
