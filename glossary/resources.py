from import_export import fields, resources

from .models import Term


class TermResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="名词")
    definition = fields.Field(attribute="definition", column_name="解释")

    class Meta:
        model = Term
        fields = ["name", "definition"]
        import_id_fields = ["name"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
