"""Demo data modelled on 滨海县 (320922), for `make run` and for trying the portal out."""

import random
from datetime import date

from django.db import transaction

from . import rules
from .models import Officer, ProcessingNotice, User
from .personal import notice_publish
from .security.accounts import system_admin_upsert
from .services import (
    county_upsert,
    enterprise_resolve,
    officer_save,
    officer_set_password,
    password_changed,
    region_upsert,
    staff_upsert,
)

COUNTY_CODE = "320922"
# The demo logins are published in the README on purpose.
DEMO_PASSWORD = "Binhai@2026"  # nosec B105
ADMIN_PHONE = "13900000001"
REVIEWER_PHONE = "13900000002"
OFFICER_PHONE = "13700000001"
# The units above the county (contract §6): 盐城市 and 江苏省, with a reviewer of each and a second
# county under the city, so the city's view shows its counties side by side.
PROVINCE_CODE, CITY_CODE = "320000", "320900"
CITY_REVIEWER_PHONE = "13900000011"
PROVINCE_REVIEWER_PHONE = "13900000021"
NEIGHBOUR_COUNTY = ("320923", "阜宁县", ["阜城街道", "沟墩镇", "益林镇"])
# Reserved for examples (RFC 2606): under `make run` the console mail backend prints the emergency
# alert mails sent to these, so a tester sees them.
ADMIN_EMAIL = "zhou.admin@demo.example"
REVIEWER_EMAIL = "chen.reviewer@demo.example"

TOWNSHIPS = [
    "东坎街道",
    "坎北街道",
    "坎南街道",
    "五汛镇",
    "八巨镇",
    "八滩镇",
    "滨淮镇",
    "天场镇",
    "陈涛镇",
    "蔡桥镇",
    "正红镇",
    "通榆镇",
    "界牌镇",
    "滨海港镇",
]

# (name, staff count, foreign-funded, industry)
ENTERPRISES = [
    ("滨海华强纺织有限公司", 5600, False, "纺织"),
    ("江苏海德精密机械有限公司", 1200, False, "机械制造"),
    ("江苏滨海港发电有限公司", 6200, False, "电力"),
    ("滨海德亚汽车零部件有限公司", 2100, True, "汽车零部件"),
    ("江苏中韩纺织科技有限公司", 5200, True, "纺织"),
    ("盐城日升电子有限公司", 3400, True, "电子"),
    ("滨海新港化工有限公司", 800, False, "化工"),
    ("滨海丰收食品有限公司", 650, False, "食品"),
    ("江苏滨淮建设工程有限公司", 1500, False, "建筑"),
    ("滨海顺达物流有限公司", 420, False, "物流"),
    ("滨海县人民医院", 1800, False, "医疗卫生"),
    ("江苏东坎服装有限公司", 900, False, "服装"),
    ("滨海台达光电有限公司", 5400, True, "光电"),
    ("滨海金鹰商贸有限公司", 300, False, "商贸"),
    ("滨海港石化仓储有限公司", 260, True, "仓储"),
    ("滨海五汛农机有限公司", 350, False, "农机"),
    ("江苏八巨制衣有限公司", 700, False, "服装"),
    ("滨海恒信新材料有限公司", 1100, False, "新材料"),
    ("滨海三和木业有限公司", 480, True, "木材加工"),
    ("滨海正红铸造有限公司", 520, False, "铸造"),
    ("滨海通榆米业有限公司", 210, False, "粮食加工"),
    ("滨海天场水产有限公司", 180, False, "水产"),
    ("滨海陈涛电缆有限公司", 760, False, "电线电缆"),
    ("滨海蔡桥家纺有限公司", 640, False, "家纺"),
    ("滨海界牌汽配有限公司", 330, False, "汽车零部件"),
    ("滨海滨淮酒店有限公司", 150, False, "住宿餐饮"),
    ("滨海明辉照明有限公司", 5100, True, "照明"),
    ("滨海坎北快递分拨中心", 260, False, "快递"),
    ("滨海城南外卖配送站", 120, False, "即时配送"),
    ("滨海县货运司机之家", 60, False, "道路运输"),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "建国秀英志强洋伟芳娜敏静丽强磊军勇艳杰娟涛明超秀兰霞平刚桂英华玉兰红梅海燕建华文静春梅晓东"

RECOMMENDERS = {
    "union_committee": ("企业工会", "县总工会"),
    "law_supervisor": ("县劳动法律监督委员会", "县总工会"),
    "mediator": ("县劳动争议调解中心", "县总工会"),
    "frontline": ("企业工会", "县总工会"),
    "team_leader": ("企业工会", "县总工会"),
    "union_cadre": ("镇区总工会", "县总工会"),
}
# 12 new-form officers in the dispute-prone groups ("mobile probes"), with who recommended and vetted them.
NEW_FORM = [
    ("truck_driver", "县道路运输协会", "县交通运输行业工会联合会"),
    ("truck_driver", "县道路运输协会", "县交通运输行业工会联合会"),
    ("truck_driver", "县道路运输协会", "县交通运输行业工会联合会"),
    ("ride_hailing", "县网约车行业协会", "县交通运输行业工会联合会"),
    ("ride_hailing", "县网约车行业协会", "县交通运输行业工会联合会"),
    ("courier", "县快递行业协会", "县交通运输行业工会联合会"),
    ("courier", "县快递行业协会", "县交通运输行业工会联合会"),
    ("courier", "县快递行业协会", "县交通运输行业工会联合会"),
    ("delivery_rider", "外卖平台滨海站点", "县商贸服务业工会联合会"),
    ("delivery_rider", "外卖平台滨海站点", "县商贸服务业工会联合会"),
    ("streamer", "县电子商务协会", "县商贸服务业工会联合会"),
    ("streamer", "县电子商务协会", "县商贸服务业工会联合会"),
]
OTHER_OFFICERS = 138  # with the 12 above: 150


def credit_code(serial: int) -> str:
    first17 = f"91320922MA{serial:07d}"
    return first17 + rules.credit_code_check_char(first17)


@transaction.atomic
def seed_demo() -> dict:
    """Create the demo county, enterprises, ~150 officers and staff. Running it again adds nothing."""
    region_upsert(code=PROVINCE_CODE, name="江苏省", level="province")
    region_upsert(code=CITY_CODE, name="盐城市", level="city", parent_code=PROVINCE_CODE)
    county, _ = county_upsert(code=COUNTY_CODE, name="滨海县", townships=TOWNSHIPS, parent_code=CITY_CODE)
    code, name, neighbour_townships = NEIGHBOUR_COUNTY
    county_upsert(code=code, name=name, townships=neighbour_townships, parent_code=CITY_CODE)
    townships = list(county.townships.order_by("pk"))
    # Repeatable demo data, not security: a seeded generator is what we want.
    rng = random.Random(320922)  # nosec B311

    enterprises = []
    for serial, (name, staff, foreign, industry) in enumerate(ENTERPRISES, start=1):
        enterprise = enterprise_resolve(
            county=county, name=name, credit_code=credit_code(serial), township=rng.choice(townships)
        )
        if enterprise.staff_count is None:
            enterprise.staff_count, enterprise.is_foreign_funded, enterprise.industry = staff, foreign, industry
            enterprise.save(update_fields=["staff_count", "is_foreign_funded", "industry"])
        enterprises.append(enterprise)

    # Demo accounts keep their published password: no forced change on first login.
    admin, _ = staff_upsert(
        phone=ADMIN_PHONE, name="周管理", county_code=COUNTY_CODE, role="admin", password=DEMO_PASSWORD
    )
    reviewer, _ = staff_upsert(
        phone=REVIEWER_PHONE, name="陈审核", county_code=COUNTY_CODE, role="reviewer", password=DEMO_PASSWORD
    )
    city_reviewer, _ = staff_upsert(
        phone=CITY_REVIEWER_PHONE, name="孙市审", unit_code=CITY_CODE, role="reviewer", password=DEMO_PASSWORD
    )
    province_reviewer, _ = staff_upsert(
        phone=PROVINCE_REVIEWER_PHONE, name="刘省审", unit_code=PROVINCE_CODE, role="reviewer", password=DEMO_PASSWORD
    )
    for user in (admin, reviewer, city_reviewer, province_reviewer):
        password_changed(user=user)
    for user, email in ((admin, ADMIN_EMAIL), (reviewer, REVIEWER_EMAIL)):
        if not user.email:  # an address set by hand since stays
            user.email = email
            user.save(update_fields=["email"])

    specs = []
    categories = [c for c in Officer.Category.values if c != Officer.Category.NEW_FORM]
    for i in range(OTHER_OFFICERS):
        category = categories[i % len(categories)]
        recommended, vetted = RECOMMENDERS[category]
        specs.append((category, "", rng.choice(enterprises), recommended, vetted))
    for key_group, recommended, vetted in NEW_FORM:
        specs.append((Officer.Category.NEW_FORM, key_group, None, recommended, vetted))

    created = 0
    for i, (category, key_group, employer, recommended, vetted) in enumerate(specs, start=1):
        phone = f"137{i:08d}"
        if Officer.objects.filter(phone=phone).exists():
            continue
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        if i == 1:
            name, employer = "王建国", enterprises[0]
        status = Officer.Status.CANDIDATE if i % 25 == 0 else Officer.Status.ACTIVE
        officer = Officer(
            name=name,
            phone=phone,
            gender=Officer.Gender.MALE if i == 1 else rng.choice(Officer.Gender.values),
            county=county,
            township=employer.township if employer and employer.township else rng.choice(townships),
            employer=employer,
            category=category,
            key_group=key_group,
            recommended_by=recommended if not employer or recommended != "企业工会" else f"{employer.name}工会",
            vetted_by=vetted,
            status=status,
            appointed_on=None if status == Officer.Status.CANDIDATE else date(2024 + i % 2, 1 + i % 12, 1),
        )
        officer_save(officer=officer, actor=admin, reason="演示数据")
        if i == 1:
            officer_set_password(officer=officer, password=DEMO_PASSWORD, actor=admin)
            password_changed(user=officer.user)
        created += 1
    return {"county": county, "officers_created": created}


# The three administrators (三员分立) of the demo, and the first processing notice.
SYSTEM_ADMIN_PHONE, SECURITY_ADMIN_PHONE, AUDIT_ADMIN_PHONE = "13900000091", "13900000092", "13900000093"
DEMO_NOTICE_TEXT = (
    "滨海县总工会（以下简称“我们”）为开展劳动领域信息员工作，处理您的以下个人信息：姓名、手机号、性别、"
    "所在镇区街道、工作单位、人员类别及您报送的信息。\n"
    "处理目的：信息员的聘任、联络、报送信息的审核与补助发放。手机号仅对需要联系您的工作人员完整显示，"
    "其他情况下一律隐去中间四位，每次查看完整号码均有记录。\n"
    "保存期限：您在岗期间及解聘后三年；期满后您的姓名、手机号、工作单位等将被匿名化处理。\n"
    "您的权利：可随时在“我的信息”中查阅、下载您的个人信息，发现有误可申请更正。"
    "我们不收集身份证号码；工伤等健康信息仅在您另行签字同意后处理。"
)


def seed_security_demo() -> None:
    """The three administrators (each a separate account) and notice version 1: run again, nothing new."""
    for role, phone, name in (
        ("sysadmin", SYSTEM_ADMIN_PHONE, "孙系统"),
        ("secadmin", SECURITY_ADMIN_PHONE, "钱安全"),
        ("auditadmin", AUDIT_ADMIN_PHONE, "李审计"),
    ):
        if not User.objects.filter(username=phone).exists():
            user, _ = system_admin_upsert(role=role, phone=phone, name=name, password=DEMO_PASSWORD)
            User.objects.filter(pk=user.pk).update(password_change_required=False)  # demo: keep the shared password
    if not ProcessingNotice.objects.exists():
        notice_publish(actor=None, title="信息员个人信息处理告知书", text=DEMO_NOTICE_TEXT)
