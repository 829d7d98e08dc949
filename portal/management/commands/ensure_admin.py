import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "开发环境：确保存在本地管理员账号（用户名、密码取自 LOCAL_ADMIN_USERNAME / LOCAL_ADMIN_PASSWORD，默认 admin / admin）。已存在时不修改。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "只能在开发模式（DJANGO_DEBUG=1）下创建本地管理员账号；生产环境请使用 createsuperuser。"
            )
        username = os.environ.get("LOCAL_ADMIN_USERNAME", "admin")
        password = os.environ.get("LOCAL_ADMIN_PASSWORD", "admin")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"本地管理员账号“{username}”已存在（密码未改动）。")
            return
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(f"已创建本地管理员账号：用户名 {username}，密码 {password}")
        )
