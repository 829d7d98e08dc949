from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from budgets import reference_data


class Command(BaseCommand):
    help = "安装或更新随项目提供的参考数据：收入来源、“三公”经费项目、采购类别、车辆类型，以及 budgets/data/ 下各年度的功能分类和经济分类科目。可重复运行。"

    def handle(self, *args, **options):
        with transaction.atomic():
            reference_data.install(apps)
        self.stdout.write(self.style.SUCCESS("参考数据已是最新。"))
