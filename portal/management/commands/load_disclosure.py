from django.core.management.base import BaseCommand, CommandError

from portal import audit
from portal.disclosure_file import (
    REFERENCE_FILE,
    DisclosureFileError,
    disclosure_exists,
    load_disclosure_file,
)


class Command(BaseCommand):
    help = "加载公开文件数据（TOML，格式见 portal/data/README.md）；不给路径时加载渝中区政府办公室2025年参考数据。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="数据文件路径")
        parser.add_argument(
            "--keep-existing",
            action="store_true",
            help="已存在的公开文件不再加载（make run 使用，不覆盖在后台所做的修改）。",
        )

    def handle(self, *args, paths, keep_existing, **options):
        for path in paths or [REFERENCE_FILE]:
            try:
                if keep_existing and disclosure_exists(path):
                    self.stdout.write(
                        f"{path}：公开文件已存在，未重新加载（去掉 --keep-existing 可按文件恢复）。"
                    )
                    continue
                report = load_disclosure_file(path)
            except DisclosureFileError as error:
                raise CommandError(f"{path}：{error}（数据库未作任何修改）") from None
            self.stdout.write(self.style.SUCCESS(f"{report.disclosure}：{report}"))
            if report.changed:
                audit.record("import", detail=f"加载数据文件 {path}：{report.disclosure}，{report}")
