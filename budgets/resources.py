"""django-import-export on one project base Resource (STYLE.md §13) and safe file formats.

`ProjectResource` carries the department scope (a user who does not reach every department
imports and exports only their own departments' rows), natural keys, duplicate rows refused,
Chinese messages and formula-safe text cells on export. Files are read by `SafeCSV` /
`SafeXLSX`, which enforce the upload limits and read a workbook without trusting it (see
budgets/spreadsheets/workbook.py). Apps' resources (glossary, the portal's region set-up)
build on these; this module holds the classification reference data's own resources too.
"""

import io
import re
from datetime import date, datetime

import tablib
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.functional import cached_property
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import Error

from organizations.access import scope
from organizations.models import Region, UnitYear

from .models import ClassificationScheme, ClassificationVersion, EconomicItem, FunctionalItem
from .sanitize import safe_text
from .spreadsheets import workbook as cells

# ---------------------------------------------------------------- file formats


NO_ROWS = "文件中没有数据行（只有表头或是空文件），未导入任何内容。请在表头下方逐行填写后再上传。"
ENCODINGS = (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030（GBK）"))


def decode_csv(data):
    """(text, encoding name) of a CSV file: UTF-8 with or without a byte-order mark, or
    GB18030 (a superset of GBK, what Chinese Excel and WPS save as "CSV"). UTF-8 is tried
    first: a GBK file is almost never valid UTF-8, the reverse is often true."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), "UTF-8"
    for codec, name in ENCODINGS:
        try:
            return data.decode(codec), name
        except UnicodeDecodeError:
            continue
    raise cells.ImportRefused(
        "无法识别 CSV 文件的编码（支持 UTF-8 和 GB18030/GBK）。请在 Excel 或 WPS 中另存为"
        "“CSV UTF-8（逗号分隔）”或“Excel 工作簿（.xlsx）”后再上传。"
    )


def _refuse_facts(facts, header_row):
    """A merged range or a formula without a saved result below the header would read as
    blank: refuse the file, naming the first such cell."""
    from openpyxl.utils import get_column_letter

    for min_row, min_col, max_row, _max_col in facts.merged:
        if max_row > header_row:
            where = f"第{min_row}行{get_column_letter(min_col)}列"
            raise cells.ImportRefused(f"{where}{cells.MERGED}未导入任何内容。")
    for row, column in sorted(facts.uncomputed):
        if row > header_row:
            where = f"第{row}行{get_column_letter(column)}列："
            raise cells.ImportRefused(f"{where}{cells.UNCOMPUTED}未导入任何内容。")


def _dataset(rows, facts=None):
    """A tablib Dataset from (number, values) rows: the first non-blank row is the header,
    blank rows are skipped, the data rows are counted against IMPORT_MAX_ROWS."""
    limit = cells.limits().max_rows
    dataset, header = tablib.Dataset(), None
    for number, values in rows:
        values = list(values)
        if all(cells.is_blank(v) for v in values):
            continue
        if header is None:
            header = [cells.text(v) for v in values]
            while header and not header[-1]:
                header.pop()
            dataset.headers = header
            if facts is not None:
                _refuse_facts(facts, number)
            continue
        if len(dataset) >= limit:
            raise cells.ImportRefused(f"文件的数据行超过上限{limit}行，未导入。")
        dataset.append((values + [None] * len(header))[: len(header)])
    if not len(dataset):
        raise cells.ImportRefused(NO_ROWS)
    return dataset


class SafeXLSX(base_formats.XLSX):
    """The first sheet of a workbook, read in read-only mode after the upload checks, with
    its declared dimensions ignored (the stock reader trusts them: a sheet claiming
    16,384 columns × 1,048,576 rows exhausts memory)."""

    def create_dataset(self, in_stream):
        cells.check_size(len(in_stream))
        book = cells.open_workbook(io.BytesIO(in_stream))
        try:
            sheet = book.worksheets[0]
            return _dataset(cells.sheet_rows(sheet), cells.sheet_facts(sheet))
        finally:
            book.close()


class SafeCSV(base_formats.CSV):
    """CSV within the upload limits, in UTF-8 (with or without a byte-order mark) or
    GB18030/GBK (`decode_csv`)."""

    def create_dataset(self, in_stream):
        size = len(in_stream.encode("utf-8")) if isinstance(in_stream, str) else len(in_stream)
        cells.check_size(size)
        text, _encoding = decode_csv(in_stream)
        dataset = tablib.import_set(text, format="csv")
        if not len(dataset):
            raise cells.ImportRefused(NO_ROWS)
        if len(dataset) > cells.limits().max_rows:
            raise cells.ImportRefused(f"文件的数据行超过上限{cells.limits().max_rows}行，未导入。")
        return dataset


# ---------------------------------------------------------------- widgets


def _refuse(column, message):
    # A ValidationError (not ValueError) so it is a row error also when raised while the
    # row's existing record is looked up.
    raise ValidationError({column: message})


class TextWidget(widgets.CharWidget):
    """Trimmed text; the apostrophe our exports put before formula-like text comes off."""

    def clean(self, value, row=None, **kwargs):
        return cells.text(value)


class CountWidget(widgets.IntegerWidget):
    """A whole number ≥ 0, exported as a number, with a Chinese error."""

    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        try:
            return cells.count(value)
        except cells.CellError as error:
            raise ValueError(str(error)) from None


class ChoiceLabelWidget(widgets.Widget):
    """A TextChoices field written as its Chinese label (本级, 公益一类事业单位 …)."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        label = cells.label(value)
        if not label:
            return ""
        for stored, shown in self.choices.choices:
            if label in (str(shown), stored):
                return stored
        allowed = "、".join(str(shown) for _, shown in self.choices.choices)
        raise ValueError(f"“{cells.text(value)}”无效，应为 {allowed} 之一。")

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices.choices).get(value, value or ""))


class RegionPathWidget(widgets.ForeignKeyWidget):
    """A region by its path, outermost first: 重庆市/渝中区 (or just 渝中区 when unique)."""

    def __init__(self, *, optional=False):
        super().__init__(Region)
        self.optional = optional  # blank means "no region" (a general glossary term)

    def clean(self, value, row=None, **kwargs):
        path = [part for part in re.split(r"\s*[/›>]\s*", cells.text(value)) if part]
        if not path and self.optional:
            return None
        if not path:
            _refuse("地区", "缺少地区。")
        found = [
            region
            for region in Region.objects.filter(name=path[-1])
            if [r.name for r in region.lineage()][-len(path) :] == path
        ]
        if not found:
            _refuse("地区", f"地区“{'/'.join(path)}”不存在，请先在“地区”中添加。")
        if len(found) > 1:
            _refuse("地区", f"地区“{'/'.join(path)}”不唯一，请写出完整层级，如“重庆市/渝中区”。")
        return found[0]

    def render(self, value, obj=None, **kwargs):
        return "/".join(r.name for r in value.lineage()) if value else ""


class NameWidget(widgets.ForeignKeyWidget):
    """Reference data by its name (编制类型, 单位性质 …); `optional`: a blank cell is none."""

    def __init__(self, model, column, *, optional=False):
        super().__init__(model, "name")
        self.column = column
        self.optional = optional

    def clean(self, value, row=None, **kwargs):
        name = cells.text(value)
        if not name and self.optional:
            return None
        found = self.model.objects.filter(name=name).first()
        if found is None:
            names = "、".join(self.model.objects.values_list("name", flat=True))
            _refuse(self.column, f"{self.column}“{name}”不存在，应为：{names}。")
        return found

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


# ---------------------------------------------------------------- the base resource


class PlainError(Error):
    """A whole-file error shown by its message only: import-export's page would print the
    traceback (server paths included) under every such error."""

    @cached_property
    def traceback(self):
        return ""


class ProjectResource(resources.ModelResource):
    """The project's base Resource: department scope, natural keys, duplicate rows refused,
    text cells sanitised on export. Subclasses list their fields explicitly."""

    department_path = None  # from the model to its Department; None: not department data

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.seen = {}
        for field in self.fields.values():
            if hasattr(field.widget, "resource"):
                field.widget.resource = self

    def scoped(self, queryset, path):
        return queryset if self.user is None else scope(queryset, self.user, path)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.department_path is None:
            return queryset
        return self.scoped(queryset, self.department_path)

    def get_error_result_class(self):
        return PlainError

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user", self.user)
        self.seen = {}
        missing = [c for c in self.natural_columns() if c not in (dataset.headers or ())]
        if missing:
            # import-export would say it in English, with a traceback.
            expected = "、".join(f.column_name for f in self.get_import_fields())
            raise cells.ImportRefused(
                f"文件缺少列“{'”“'.join(missing)}”，未导入任何内容。第一行应为表头，列为：{expected}。"
                "可以先“导出”一份作为模板。"
            )
        super().before_import(dataset, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """As import-export's, with each error under the column's Chinese header (or the
        model field's name) rather than the attribute (`relation`, `order`, `count`)."""
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            raise ValidationError(
                {self.column_of(key): value for key, value in error.error_dict.items()}
            ) from None

    def column_of(self, attribute):
        """The column header (or the model field's verbose name) of an attribute."""
        for field in self.get_import_fields():
            if field.attribute == attribute:
                return field.column_name
        try:
            return str(self._meta.model._meta.get_field(attribute).verbose_name)
        except FieldDoesNotExist:
            return attribute

    def natural_columns(self):
        """The columns that name one record (its natural key)."""
        return [self.fields[name].column_name for name in self.get_import_id_fields()]

    def before_import_row(self, row, **kwargs):
        """Two rows for the same record would silently let the last one win: refuse."""
        columns = self.natural_columns()
        key = tuple(cells.label(row.get(column)) for column in columns)
        if key in self.seen:
            shown = "、".join(f"{c}“{v}”" for c, v in zip(columns, key, strict=True))
            raise ValidationError(f"与第{self.seen[key]}行重复（{shown}）。")
        self.seen[key] = kwargs.get("row_number")
        super().before_import_row(row, **kwargs)

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return safe_text(value) if isinstance(value, str) else value

    def filter_export(self, queryset, **kwargs):
        """The unit-year admin exports the duties, sections or quotas of its unit-years."""
        if queryset.model is UnitYear and self._meta.model is not UnitYear:
            queryset = self._meta.model.objects.filter(unit_year__in=queryset).select_related(
                "unit_year__unit__department"
            )
        return super().filter_export(queryset, **kwargs)

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True


# ---------------------------------------------------------------- classification reference data


class VersionWidget(widgets.Widget):
    """The list version a row belongs to, from the row's 年度 and 生效日期 (blank: the annual
    list, in force from 1 January). A version not yet known is created with the import, so
    a new year's or a revision's list is one file; its notice number is added in the admin."""

    def __init__(self, scheme):
        super().__init__()
        self.scheme = scheme

    def clean(self, value, row=None, **kwargs):
        try:
            year = cells.count((row or {}).get("年度"))
        except cells.CellError:
            year = None
        if year is None or not 2000 <= year <= 2100:
            _refuse("年度", "年度应为四位数字（如2026）。")
        on = _day(value, year)
        return ClassificationVersion.objects.get_or_create(
            scheme=self.scheme, year=year, effective_on=on
        )[0]

    def render(self, value, obj=None, **kwargs):
        return value.effective_on.isoformat() if value else ""


def _day(value, year):
    """A 生效日期 cell as a date: a date cell, or text 2026-07-01 / 2026/7/1; blank is
    1 January of `year`. The date must fall in that year."""
    if cells.is_blank(value):
        return date(year, 1, 1)
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date(*(int(part) for part in re.split(r"[-/.]", cells.text(value))))
        except (TypeError, ValueError):
            _refuse("生效日期", f"生效日期“{cells.text(value)}”无效，应写作 {year}-07-01。")
    if value.year != year:
        _refuse("生效日期", f"生效日期{value.isoformat()}不在{year}年内。")
    return value


class CodeWidget(TextWidget):
    """A classification code of the lengths its list allows (类 3 digits, 款 5, 项 7)."""

    def __init__(self, lengths):
        super().__init__()
        self.lengths = lengths

    def clean(self, value, row=None, **kwargs):
        code = super().clean(value, row=row, **kwargs)
        if not (code.isascii() and code.isdigit() and len(code) in self.lengths):
            shown = "、".join(f"{n}位" for n in self.lengths)
            _refuse("科目编码", f"科目编码“{code}”无效，应为{shown}数字。")
        return code


class FlagWidget(widgets.Widget):
    """A yes/no column: 1, 是 or true mark the row; blank, 0 or 否 do not."""

    def clean(self, value, row=None, **kwargs):
        return cells.label(value).lower() in {"1", "是", "true", "yes"}

    def render(self, value, obj=None, **kwargs):
        return "1" if value else ""


class ClassificationResource(ProjectResource):
    """One list of the finance system's export: 年度, 生效日期 (optional), 科目编码, 科目名称,
    待核实 (optional). Rows match by (version, code); a file is all or nothing."""

    scheme = None

    year = fields.Field(attribute="year", column_name="年度", readonly=True)
    version = fields.Field(attribute="version", column_name="生效日期")
    code = fields.Field(attribute="code", column_name="科目编码")
    name = fields.Field(attribute="name", column_name="科目名称", widget=TextWidget())
    unverified = fields.Field(attribute="unverified", column_name="待核实", widget=FlagWidget())

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["version"].widget = VersionWidget(self.scheme)
        lengths = (3, 5, 7) if self.scheme == ClassificationScheme.FUNCTIONAL else (3, 5)
        self.fields["code"].widget = CodeWidget(lengths)

    def get_queryset(self):
        return super().get_queryset().filter(version__scheme=self.scheme)

    def before_import(self, dataset, **kwargs):
        # 生效日期 may be left out: every row then belongs to the year's annual list.
        if dataset.headers and "生效日期" not in dataset.headers:
            dataset.append_col([""] * len(dataset), header="生效日期")
        super().before_import(dataset, **kwargs)

    def natural_columns(self):
        return ["年度", "生效日期", "科目编码"]

    class Meta(ProjectResource.Meta):
        fields = ["year", "version", "code", "name", "unverified"]
        import_id_fields = ["version", "code"]


class FunctionalItemResource(ClassificationResource):
    scheme = ClassificationScheme.FUNCTIONAL

    class Meta(ClassificationResource.Meta):
        model = FunctionalItem
        name = "支出功能分类科目"


class EconomicItemResource(ClassificationResource):
    scheme = ClassificationScheme.ECONOMIC

    class Meta(ClassificationResource.Meta):
        model = EconomicItem
        name = "部门预算支出经济分类科目"


class GovernmentEconomicItemResource(ClassificationResource):
    scheme = ClassificationScheme.GOVERNMENT_ECONOMIC

    class Meta(ClassificationResource.Meta):
        model = EconomicItem
        name = "政府预算支出经济分类科目"
