from datetime import UTC, datetime, timedelta

import pytest

from officers import rules


@pytest.mark.parametrize(
    ("phone", "valid"),
    [
        ("13815110001", True),
        ("19912345678", True),
        ("12815110001", False),  # second digit must be 3-9
        ("1381511000", False),  # 10 digits
        ("138151100011", False),  # 12 digits
        ("23815110001", False),
        ("138-1511-0001", False),
        ("", False),
        ("1381511000a", False),
    ],
)
def test_phone_validity(phone, valid):
    assert rules.is_valid_phone(phone) is valid


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91320922MA1MX0001D", None),
        ("91320922MA1MX0002G", None),
        ("91350100M000100Y43", None),  # a real published code
        ("91320922MA1MX0001E", "统一社会信用代码校验位不正确，请核对"),
        ("91320922MA1MX0001", "统一社会信用代码应为18位"),
        ("91320922MA1MX0001DD", "统一社会信用代码应为18位"),
        ("91320922MA1MXO001D", "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V，字母须大写）"),
        ("91320922ma1mx0001d", "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V，字母须大写）"),
    ],
)
def test_credit_code(code, problem):
    assert rules.credit_code_problem(code) == problem


@pytest.mark.parametrize(("staff", "large"), [(None, False), (0, False), (4999, False), (5000, True), (12000, True)])
def test_large_enterprise_threshold(staff, large):
    assert rules.is_large_enterprise(staff) is large


@pytest.mark.parametrize(("phone", "masked"), [("13815110001", "138****0001"), ("1381511", "1381511"), ("", "")])
def test_mask_phone(phone, masked):
    assert rules.mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("from_status", "to_status", "allowed"),
    [
        ("candidate", "active", True),
        ("candidate", "dismissed", True),
        ("candidate", "suspended", False),
        ("active", "suspended", True),
        ("active", "dismissed", True),
        ("active", "candidate", False),
        ("active", "active", False),
        ("suspended", "active", True),
        ("suspended", "dismissed", True),
        ("dismissed", "active", False),
        ("dismissed", "suspended", False),
    ],
)
def test_status_moves(from_status, to_status, allowed):
    assert rules.status_move_allowed(from_status, to_status) is allowed


def test_pinyin_key_orders_names_as_ledgers_do():
    names = ["王建国", "李秀英", "陈志强", "刘洋", "安然"]
    assert sorted(names, key=rules.pinyin_key) == ["安然", "陈志强", "李秀英", "刘洋", "王建国"]


T0 = datetime(2026, 5, 6, 9, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


def minutes_ago(*values):
    return [T0 - timedelta(minutes=m) for m in values]


@pytest.mark.parametrize(
    ("failures", "wait"),
    [
        ([], 0),
        (minutes_ago(1, 2, 3, 4), 0),  # four wrong codes: may try again
        (minutes_ago(0, 1, 2, 3, 4), 11),  # the fifth: until the one 4 minutes ago is 15 minutes old
        (minutes_ago(4, 3, 2, 1, 0), 11),  # order does not matter
        (minutes_ago(0, 0, 0, 0, 0), 15),
        (minutes_ago(1, 2, 3, 4, 15), 0),  # the oldest has left the window
        (minutes_ago(1, 2, 3, 4, 16, 20, 30), 0),
        (minutes_ago(0, 1, 2, 3, 4, 14), 11),  # six in the window: the fifth most recent decides
        (minutes_ago(0, 1, 2, 3, 14.9), 1),  # a few seconds left: still one whole minute to wait
        ([T0 - timedelta(minutes=14, seconds=30)] + minutes_ago(0, 1, 2, 3), 1),
    ],
)
def test_sign_in_wait_minutes(failures, wait):
    assert rules.sign_in_wait_minutes(failures, now=T0, limit=5, window=WINDOW) == wait


@pytest.mark.parametrize(
    ("kind", "values", "problems"),
    [
        ("wecom", {"webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}, {}),
        ("wecom", {}, {"webhook_url": "请填写Webhook / 网关地址"}),
        ("dingtalk", {"webhook_url": "oapi.dingtalk.com/robot/send"}, {"webhook_url": "地址应以 https:// 开头"}),
        (
            "dingtalk",
            {"webhook_url": "https://oapi.dingtalk.com/robot/send", "for_reminders": True},
            {"for_reminders": "群机器人不能发送信息员的提醒短信"},
        ),
        ("aliyun_sms", {"key_id": "a", "secret": "b", "sign_name": "c"}, {}),
        (
            "aliyun_sms",
            {"key_id": "a", "secret": "b", "sign_name": "c", "for_reminders": True},
            {
                "reminder_template": "发送报送提醒短信须填写在短信平台登记的模板编号",
                "commission_template": "报送提醒短信网关也发送约稿通知，须填写在短信平台登记的约稿通知模板编号",
            },
        ),
        (
            "aliyun_sms",
            {"key_id": "a", "secret": "b", "sign_name": "c", "for_reminders": True, "reminder_template": "SMS_1"},
            {"commission_template": "报送提醒短信网关也发送约稿通知，须填写在短信平台登记的约稿通知模板编号"},
        ),
        (
            "aliyun_sms",
            {
                "key_id": "a",
                "secret": "b",
                "sign_name": "c",
                "for_reminders": True,
                "reminder_template": "SMS_1",
                "commission_template": "SMS_2",
            },
            {},
        ),
        (
            "tencent_sms",
            {"key_id": "a", "secret": "b", "sign_name": "c"},
            {"app_id": "请填写SmsSdkAppId"},
        ),
        (
            "http_sms",
            {"webhook_url": "https://sms.gov/api", "secret": "s", "for_alerts": True},
            {"for_alerts": "突发信息提醒发往工作群，请在群机器人渠道勾选"},
        ),
        ("http_sms", {"webhook_url": "https://sms.gov/api"}, {"secret": "请填写密钥"}),
    ],
)
def test_channel_problems(kind, values, problems):
    assert rules.channel_problems(kind, values) == problems
