from django.core.management.base import BaseCommand, CommandError

from portal import benchmark


class Command(BaseCommand):
    help = (
        "生成基准测试数据（一个市及其区县的各部门、各年度已公开的部门预算，含少量更正），"
        "只能在空库或专用的基准库中运行（README“性能基准”）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--departments", type=int, default=300, help="部门数（默认 300）")
        parser.add_argument("--years", type=int, default=10, help="年度数（默认 10）")
        parser.add_argument(
            "--last-year", type=int, default=benchmark.LIST_YEAR, help="最后一个年度"
        )
        parser.add_argument(
            "--lazy-bodies",
            action="store_true",
            help="不在公开时生成页面正文（更快；页面在首次访问时生成，之后由缓存提供）",
        )
        parser.add_argument(
            "--no-open-data",
            action="store_true",
            help="不写出开放数据文件（之后可运行 build_open_data）",
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="库中已有基准数据时什么也不做（make bench 用）",
        )

    def handle(
        self, *args, departments, years, last_year, lazy_bodies, no_open_data, if_missing, **options
    ):
        if departments < 1 or years < 1:
            raise CommandError("部门数和年度数至少为 1。")
        if if_missing and benchmark.is_benchmark_database():
            self.stdout.write("已有基准数据，不再生成。")
            return
        try:
            counts = benchmark.seed(
                departments=departments,
                years=years,
                last_year=last_year,
                lazy_bodies=lazy_bodies,
                open_data=not no_open_data,
                log=self.stdout.write if options["verbosity"] > 1 else lambda _: None,
            )
        except benchmark.BenchmarkRefused as refused:
            raise CommandError(str(refused)) from None
        seconds = counts.pop("seconds")
        files = counts.pop("open_data_seconds", None)
        rows = "，".join(f"{name} {n}" for name, n in counts.items())
        written = f"；开放数据文件用时 {files} 秒" if files is not None else ""
        self.stdout.write(self.style.SUCCESS(f"基准数据已生成（{seconds} 秒{written}）：{rows}。"))
