"""Run daily from cron: e-mail the contact persons of versions whose deadline is N days away
(README “邮件通知”). Running it twice the same day sends nothing more."""

from django.core.management.base import BaseCommand

from budgets.notices import send_deadline_reminders


class Command(BaseCommand):
    help = (
        "向公开期限临近（默认提前7、3、1天）的部门联系人发送提醒邮件；同一天重复运行不会重复发送。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            help="提前几天提醒，逗号分隔，如 7,3,1（默认取设置 DISCLOSURE_REMINDER_DAYS）。",
        )

    def handle(self, *args, days=None, **options):
        chosen = [int(d) for d in days.split(",") if d.strip()] if days else None
        sent = send_deadline_reminders(days=chosen)
        self.stdout.write(f"已发送提醒 {len(sent)} 封。")
