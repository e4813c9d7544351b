from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from disputes.demo import seed_demo_cases
from officers import demo
from officers.models import User
from reports.demo import (
    seed_demo_bulletins,
    seed_demo_commissions,
    seed_demo_events,
    seed_demo_forwarding,
    seed_demo_reports,
    seed_demo_supervision,
)
from unionportal.overview import notices
from unionportal.overview.models import RankingNotice


class Command(BaseCommand):
    help = "载入演示数据（滨海县、约150名信息员、审核人员和管理员）。可重复运行，不会重复创建。"

    def handle(self, *args, **options):
        result = demo.seed_demo()
        reports = seed_demo_reports(result["county"])
        bulletins = seed_demo_bulletins(result["county"])
        # 约稿, 积分 and last month's 通报, published (the demo admin publishes it).
        admin = User.objects.filter(username=demo.ADMIN_PHONE).first()
        seed_demo_commissions(result["county"], actor=admin)
        last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
        if not RankingNotice.objects.filter(county=result["county"], month=last_month).exists():
            notice = notices.notice_build(county=result["county"], month=last_month)
            notices.notice_foreword(
                notice=notice, foreword="各镇区街道要对照通报查找不足，督促未报送的信息员按月报送。"
            )
            notices.notice_publish(notice=notice, actor=admin)
        seed_demo_events(result["county"])
        seed_demo_supervision(result["county"])
        seed_demo_cases(result["county"])
        demo.seed_security_demo()
        self.stdout.write(
            f"演示数据就绪：{result['county']}，本次新增信息员 {result['officers_created']} 名、报送信息 {reports} 条。"
        )
        if bulletins:
            self.stdout.write("信息专报：已签发县《工作信息》和市《盐城工会信息》各一期，并登记一条待落实的领导批示。")
        forwarded = seed_demo_forwarding(
            result["county"],
            reviewer=User.objects.get(username=demo.REVIEWER_PHONE),
            city_reviewer=User.objects.get(username=demo.CITY_REVIEWER_PHONE),
        )
        if forwarded:
            self.stdout.write(f"  上报盐城市的信息 {forwarded} 条（其中1条已被市总工会采用、1条已转报江苏省）。")
        self.stdout.write("演示账号（登录名 / 密码）：")
        self.stdout.write(f"  县总工会管理员 {demo.ADMIN_PHONE} / {demo.DEMO_PASSWORD}")
        self.stdout.write(f"  县总工会审核 {demo.REVIEWER_PHONE} / {demo.DEMO_PASSWORD}")
        self.stdout.write(f"  信息员       {demo.OFFICER_PHONE} / {demo.DEMO_PASSWORD}")
        self.stdout.write(f"  盐城市总工会 {demo.CITY_REVIEWER_PHONE} / {demo.DEMO_PASSWORD}")
        self.stdout.write(f"  江苏省总工会 {demo.PROVINCE_REVIEWER_PHONE} / {demo.DEMO_PASSWORD}")
        self.stdout.write(
            f"  三员分立：系统管理员 {demo.SYSTEM_ADMIN_PHONE}、安全管理员 {demo.SECURITY_ADMIN_PHONE}、"
            f"审计管理员 {demo.AUDIT_ADMIN_PHONE}，密码同上"
        )
        self.stdout.write("  工作人员和三员首次登录时须用手机身份验证器扫码绑定动态码（双因素登录）")
        self.stdout.write(
            f"突发信息提醒邮件发给 {demo.ADMIN_EMAIL}、{demo.REVIEWER_EMAIL}"
            "（make run 时打印在终端 / printed on the terminal）"
        )
