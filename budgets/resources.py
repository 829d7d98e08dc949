"""django-import-export resources. The standard-table import formats come with the
spreadsheet issue; these cover the classification reference data, matched by (year, code)."""

from import_export import fields, resources

from .models import EconomicItem, FunctionalItem


class ClassificationResource(resources.ModelResource):
    year = fields.Field(attribute="year", column_name="年度")
    code = fields.Field(attribute="code", column_name="科目编码")
    name = fields.Field(attribute="name", column_name="科目名称")

    class Meta:
        fields = ["year", "code", "name"]
        import_id_fields = ["year", "code"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True


class FunctionalItemResource(ClassificationResource):
    class Meta(ClassificationResource.Meta):
        model = FunctionalItem


class EconomicItemResource(ClassificationResource):
    class Meta(ClassificationResource.Meta):
        model = EconomicItem
