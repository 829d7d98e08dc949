"""Glossary terms through django-import-export, on the project's base Resource: matched by
region, name and first year, with the functional item it explains given by year and code."""

from django.core.exceptions import ValidationError
from import_export import fields, widgets

from budgets.models import FunctionalItem
from budgets.resources import CountWidget, ProjectResource, RegionPathWidget, TextWidget, cells

from .models import ALWAYS, Term


class FunctionalItemWidget(widgets.ForeignKeyWidget):
    """The item a term explains, by 对应科目编码 and the row's 科目年度; blank for general terms."""

    def __init__(self):
        super().__init__(FunctionalItem)

    def clean(self, value, row=None, **kwargs):
        code = cells.text(value)
        if not code:
            return None
        try:
            year = cells.count((row or {}).get("科目年度"))
        except cells.CellError:
            year = None
        if year is None:
            raise ValidationError({"科目年度": "填写了科目编码时，须同时填写科目年度。"})
        item = FunctionalItem.objects.of_year(year).filter(code=code).first()
        if item is None:
            raise ValidationError(
                {"对应科目编码": f"科目编码“{code}”不是{year}年的支出功能分类科目。"}
            )
        return item

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class TermResource(ProjectResource):
    region = fields.Field(
        attribute="region", column_name="地区", widget=RegionPathWidget(optional=True)
    )
    from_year = fields.Field(
        attribute="from_year", column_name="起始年度", widget=CountWidget(), default=ALWAYS
    )
    name = fields.Field(attribute="name", column_name="名词", widget=TextWidget())
    definition = fields.Field(attribute="definition", column_name="解释", widget=TextWidget())
    functional_year = fields.Field(
        attribute="functional_item__year", column_name="科目年度", readonly=True
    )
    functional_item = fields.Field(
        attribute="functional_item", column_name="对应科目编码", widget=FunctionalItemWidget()
    )
    order = fields.Field(attribute="order", column_name="排序", widget=CountWidget(), default=0)

    class Meta(ProjectResource.Meta):
        model = Term
        name = "名词"
        fields = [
            "region",
            "from_year",
            "name",
            "definition",
            "functional_year",
            "functional_item",
            "order",
        ]
        import_id_fields = ["region", "name", "from_year"]
