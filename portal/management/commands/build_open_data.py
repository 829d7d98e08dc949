import time

from django.core.management.base import BaseCommand

from portal.opendata import store


class Command(BaseCommand):
    help = (
        "写出开放数据文件：每个已公开版本的下载文件（尚未写出的；--force 为全部重写）和整个开放数据包"
        "（portal/opendata.md“文件”）。公开时会自动写出，本命令用于首次部署、更换存储或从备份恢复后。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="重写全部版本的文件（已公开的版本内容不变）。"
        )

    def handle(self, *args, force=False, **options):
        started = time.monotonic()

        def progress(done, total):
            self.stdout.write(f"  已写出 {done}/{total} 个版本的文件")

        versions, manifest = store.build_all(force=force, progress=progress)
        size = sum(r["bytes"] for r in manifest["resources"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已写出 {versions} 个版本的文件和开放数据包（{len(manifest['resources'])} 个资源，"
                f"{size / 1e6:.1f} MB），用时 {time.monotonic() - started:.1f} 秒。"
            )
        )
