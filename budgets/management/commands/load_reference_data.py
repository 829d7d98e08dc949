from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from budgets import reference_data


class Command(BaseCommand):
    help = "安装或更新随项目提供的参考数据：收入来源、“三公”经费项目、采购类别、车辆类型，以及 budgets/data/ 下各年度的功能分类和经济分类科目。可重复运行。"

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = reference_data.install(apps)
        if changed:
            message = f"参考数据已更新：分类科目新增或更名 {changed} 行（从不删除）。"
        else:
            message = "参考数据已是最新，分类科目没有变化。"
        self.stdout.write(self.style.SUCCESS(message))
