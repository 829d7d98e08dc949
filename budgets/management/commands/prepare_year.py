from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from budgets.annual import prepare_year_for
from organizations.models import Department


class Command(BaseCommand):
    help = "按各部门最新已公开的上年版本准备指定年度的部门预算草稿；可重复运行，已有的不重复创建。"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="要准备的年度，如 2026")
        parser.add_argument(
            "--department",
            type=int,
            action="append",
            help="部门编号（可多次给出）；不给则为全部部门",
        )
        parser.add_argument(
            "--user", default=None, help="记录为操作人的用户名（默认第一个超级管理员）"
        )

    def handle(self, *args, year, department, user, **options):
        User = get_user_model()
        operator = (
            User.objects.filter(username=user).first()
            if user
            else User.objects.filter(is_superuser=True).first()
        )
        if operator is None:
            raise CommandError("找不到操作人：请用 --user 指定一个存在的用户名。")
        departments = Department.objects.all()
        if department:
            departments = departments.filter(pk__in=department)
        result = prepare_year_for(departments, year=year, user=operator)
        for draft in result.created:
            self.stdout.write(self.style.SUCCESS(f"已准备：{draft}"))
        for dept, reason in result.skipped:
            self.stdout.write(f"跳过：{dept}（{reason}）")
