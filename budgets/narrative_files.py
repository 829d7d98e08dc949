"""The narrative template files a region's `NarrativeTemplate` row may name: refused when the
row is saved (admin form, data-file loader) if the file cannot be loaded, so a typo never
reaches a public page. (A file that loads may still fail while rendering: the portal then
shows a plain message in that part of the page and logs the error.)"""

from django.core.exceptions import ValidationError
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template

# Only narrative files: a row must not be able to render an admin or error page as a body.
FOLDER = "narratives/"
# The template of a region that has registered none (the reference's own).
DEFAULT_FILE = "narratives/chongqing-budget-2025.html"


def validate_narrative_file(name):
    """Refuse `name` unless it is an .html file under templates/narratives/ that the
    template engine loads without error."""
    if not (name.startswith(FOLDER) and name.endswith(".html")) or ".." in name:
        raise ValidationError(
            f"模板文件“{name}”无效：应为 templates/narratives/ 下的 .html 文件，"
            "如 narratives/chongqing-budget-2025.html。"
        )
    try:
        get_template(name)
    except TemplateDoesNotExist:
        raise ValidationError(
            f"找不到模板文件“{name}”：请先把模板文件放到 templates/narratives/ 下，"
            "或改填已有文件的路径。"
        ) from None
    except TemplateSyntaxError as error:
        raise ValidationError(
            f"模板文件“{name}”有语法错误，不能使用：{error}。请联系管理员修改模板文件。"
        ) from None
