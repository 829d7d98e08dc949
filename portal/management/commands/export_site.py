import time

from django.core.management.base import BaseCommand, CommandError

from portal.export import export_site


class Command(BaseCommand):
    help = (
        "把公开门户导出为静态文件（每个公开页面、表格和下载，相对链接，每个目录一个 index.html），"
        "可放到任何静态服务器或 CDN 上，或存档。从首页出发，沿站内链接抓取。"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="导出到的目录（不存在时创建）。")

    def handle(self, *args, directory, **options):
        started = time.monotonic()
        result = export_site(directory)
        for url, (status, referrer) in sorted(result.broken.items()):
            self.stderr.write(f"无法导出 {url}（HTTP {status}，链接自 {referrer or '起点'}）")
        self.stdout.write(
            self.style.SUCCESS(
                f"已导出 {len(result.files)} 个文件到 {directory}，"
                f"用时 {time.monotonic() - started:.1f} 秒。"
            )
        )
        if result.broken:
            raise CommandError(f"{len(result.broken)} 个站内链接无法导出。")
