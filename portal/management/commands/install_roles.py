from django.apps import apps
from django.core.management.base import BaseCommand

from portal import roles


class Command(BaseCommand):
    help = "创建或刷新三个角色（填报人、审核人、平台管理员）及其权限。可重复运行。"

    def handle(self, *args, **options):
        roles.install(apps)
        self.stdout.write(self.style.SUCCESS("角色权限已是最新：" + "、".join(roles.ROLES)))
