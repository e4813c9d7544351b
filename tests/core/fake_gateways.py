"""Local fake servers for the notice channels (pytest-httpserver on 127.0.0.1): each checks what a
real gateway checks (the JSON, DingTalk's signature, the SDKs' signed headers, the generic gateway's
HMAC) and answers as the real one does. Every request is kept, so a test counts them."""

import base64
import hashlib
import hmac
import json
import time
from contextlib import contextmanager

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

DING_SECRET = "SECtest0123456789abcdef"
GATEWAY_SECRET = "gateway-shared-secret"


@contextmanager
def serving():
    """A fake gateway's server on 127.0.0.1, threaded so a slow answer does not hold up the next."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


def json_response(data, status=200):
    return Response(json.dumps(data, ensure_ascii=False), status=status, content_type="application/json")


class FakeGateway:
    """Answers each request with the next planned answer (the last one repeats): "ok", "500",
    "slow" (sleeps past the channel timeout), or a dict to send back as JSON."""

    def __init__(self, httpserver, path, plan=("ok",)):
        self.requests: list[dict] = []
        self.plan = list(plan)
        httpserver.expect_request(path).respond_with_handler(self.handle)
        self.url = httpserver.url_for(path)

    def next_answer(self):
        return self.plan.pop(0) if len(self.plan) > 1 else self.plan[0]

    def handle(self, request: Request) -> Response:
        seen = {
            "args": dict(request.args),
            "headers": {k.lower(): v for k, v in request.headers.items()},
            "form": dict(request.form),
            "body": request.get_data(as_text=True),
        }
        self.requests.append(seen)
        answer = self.next_answer()
        if answer == "500":
            return Response("<html>502 Bad Gateway</html>", status=500)
        if answer == "slow":
            time.sleep(0.8)
            return Response("{}", status=200)
        if isinstance(answer, dict):
            return json_response(answer)
        return self.ok(seen)

    def ok(self, seen) -> Response:
        return json_response({"errcode": 0, "errmsg": "ok"})


class FakeWecom(FakeGateway):
    def ok(self, seen):
        payload = json.loads(seen["body"])
        if payload.get("msgtype") not in ("text", "markdown") or not payload[payload["msgtype"]].get("content"):
            return json_response({"errcode": 40008, "errmsg": "invalid message type"})
        return json_response({"errcode": 0, "errmsg": "ok"})


class FakeDingtalk(FakeGateway):
    """Checks the signature as DingTalk does: HMAC-SHA256 of "timestamp\\nsecret", base64."""

    def ok(self, seen):
        timestamp, sign = seen["args"].get("timestamp", ""), seen["args"].get("sign", "")
        expected = base64.b64encode(
            hmac.new(DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(), hashlib.sha256).digest()
        ).decode()
        if not timestamp or not hmac.compare_digest(sign, expected):
            return json_response({"errcode": 310000, "errmsg": "sign not match"})
        if abs(time.time() * 1000 - int(timestamp)) > 3600_000:
            return json_response({"errcode": 310000, "errmsg": "timestamp expired"})
        return json_response({"errcode": 0, "errmsg": "ok"})


class FakeAliyun(FakeGateway):
    def ok(self, seen):
        headers = seen["headers"]
        if headers.get("x-acs-action") != "SendSms" or not headers.get("authorization", "").startswith(
            "ACS3-HMAC-SHA256 Credential=LTAIkeyid"
        ):
            refusal = {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched"}
            return json_response(refusal, 400)
        return json_response({"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "r-1"})


class FakeTencent(FakeGateway):
    def ok(self, seen):
        headers = seen["headers"]
        if headers.get("x-tc-action") != "SendSms" or "TC3-HMAC-SHA256 Credential=AKIDsecretid/" not in headers.get(
            "authorization", ""
        ):
            error = {"Code": "AuthFailure.SignatureFailure", "Message": "签名错误"}
            return json_response({"Response": {"Error": error, "RequestId": "r"}})
        phone = json.loads(seen["body"])["PhoneNumberSet"][0]
        status = {"SerialNo": "2640:1", "PhoneNumber": phone, "Code": "Ok", "Message": "send success", "Fee": 1}
        return json_response({"Response": {"SendStatusSet": [status], "RequestId": "r-2"}})


class FakeHttpGateway(FakeGateway):
    """A carrier's platform: HMAC-SHA256 (hex) over the other fields sorted by name, key = shared secret."""

    def ok(self, seen):
        fields = seen["form"]
        text = "&".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "sign")
        expected = hmac.new(GATEWAY_SECRET.encode(), text.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(fields.get("sign", ""), expected):
            return json_response({"code": 4001, "message": "签名校验失败"})
        return json_response({"code": 0, "message": "提交成功"})
