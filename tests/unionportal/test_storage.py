"""Several web servers (docs/operator-guide.md, “扩展 · Scaling out”): attachments in an S3-compatible bucket,
sessions in Redis, and the environment variables that switch them on.

The bucket is a real S3 server (moto's) on a free loopback port, spoken to over HTTP by django-storages
and boto3, with the storages that unionportal.settings.scaling builds for production.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

import boto3
import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from disputes import services as dispute_services
from disputes.models import CaseAttachment
from officers.models import Officer
from officers.services import county_upsert
from reports.models import ReportAttachment
from tests.factories import (
    PASSWORD,
    AdminFactory,
    EnterpriseFactory,
    OfficerFactory,
    ReportFactory,
    ReviewerFactory,
    TownshipFactory,
    image_bytes,
)
from unionportal.core.attachments import attachment_storage
from unionportal.settings.scaling import (
    SESSION_CACHE_ALIAS,
    SHARED_IMPORT_TMP_STORAGE,
    s3_storages,
    session_settings,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT.parent / "shared" / "spec" / "samples"
ACCESS_KEY, SECRET_KEY = "unionportal-test-key", "unionportal-test-secret"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# ---- a real S3 server on loopback ---------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Bucket:
    client: object
    name: str

    def keys(self) -> list[str]:
        return sorted(item["Key"] for item in self.client.list_objects(Bucket=self.name).get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A new private bucket, and the portal's storages on it as base.py configures them."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )
    name = f"unionportal-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    # override_settings (under pytest-django's `settings`) empties django.core.files.storage.storages.
    settings.STORAGES = settings.STORAGES | s3_storages(
        bucket=name,
        endpoint_url=s3_endpoint,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        max_memory_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
    )
    settings.IMPORT_EXPORT_TMP_STORAGE_CLASS = SHARED_IMPORT_TMP_STORAGE
    # But a FileField calls its storage callable once, when the model class is made: a server started
    # with the bucket settings gets the bucket then; here the fields are handed it the same way.
    for model in (ReportAttachment, CaseAttachment):
        monkeypatch.setattr(model._meta.get_field("file"), "storage", attachment_storage())
    assert isinstance(ReportAttachment._meta.get_field("file").storage, S3Storage)
    return Bucket(client, name)


def files_on_disk(settings) -> set[Path]:
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def assert_private(bucket: Bucket, key: str):
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]
    public = [g for g in grants if g["Grantee"].get("URI", "").endswith(("/AllUsers", "/AuthenticatedUsers"))]
    assert grants and not public, grants


@pytest.mark.django_db
def test_report_attachment_is_stored_in_the_bucket_and_streamed_back(client, county, bucket, settings):
    township = TownshipFactory(county=county, name="东坎街道")
    officer = OfficerFactory(county=county, township=township, name="刘洋")
    reviewer = ReviewerFactory(county=county)
    before = files_on_disk(settings)

    client.force_login(officer.user)
    occurred = timezone.localtime() - timedelta(hours=2)
    response = client.post(
        reverse("reports:create"),
        {
            "title": "快递网点派件费下调引发议论",
            "urgency": "general",
            "category": "worker_sentiment",
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "content": "网点快递员在群内议论派件费下调。",
            "attachments": [SimpleUploadedFile("现场.png", image_bytes(), content_type="image/png")],
            "submit": "1",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    attachment = ReportAttachment.objects.get()
    key = f"private/{attachment.file.name}"
    assert attachment.file.name.startswith("attachments/")
    assert bucket.keys() == [key]
    stored = bucket.read(key)
    assert stored.startswith(b"\x89PNG\r\n\x1a\n")  # the re-encoded photo, as the portal keeps it
    assert files_on_disk(settings) == before  # nothing written to this web server's disk
    assert_private(bucket, key)
    # Were a URL ever made for it, it would be signed and expire (querystring_auth).
    assert "X-Amz-Signature=" in storages["attachments"].url(attachment.file.name)

    for user in (officer.user, reviewer):
        client.force_login(user)
        download = client.get(reverse("reports:attachment", args=[attachment.pk]))
        assert download.status_code == 200
        assert download["Content-Type"] == "image/png"
        assert download["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('现场.png')}"
        assert download["Cache-Control"] == "private, no-store"
        assert download["Content-Length"] == str(len(stored))
        assert b"".join(download.streaming_content) == stored


@pytest.mark.django_db
def test_case_attachment_is_stored_in_the_bucket_and_streamed_back(client, county, bucket, settings):
    reviewer = ReviewerFactory(county=county)
    case = dispute_services.case_register(
        county=county,
        actor=reviewer,
        dispute_type="wage_arrears",
        workers_involved=12,
        enterprise=EnterpriseFactory(county=county),
        registered_on=timezone.localdate(),
    )
    before = files_on_disk(settings)
    client.force_login(reviewer)
    upload = SimpleUploadedFile("调解协议.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(reverse("disputes:attach", args=[case.pk]), {"files": [upload]})
    assert response.status_code == 302
    attachment = CaseAttachment.objects.get()
    key = f"private/{attachment.file.name}"
    assert bucket.keys() == [key]
    assert bucket.read(key) == PDF_BYTES  # a PDF is kept exactly as it came
    assert files_on_disk(settings) == before
    assert_private(bucket, key)

    download = client.get(reverse("disputes:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('调解协议.pdf')}"
    assert b"".join(download.streaming_content) == PDF_BYTES


@pytest.mark.django_db
def test_missing_object_is_a_clear_error_not_an_empty_download(client, county, bucket):
    """An object deleted behind the portal's back: the download fails (a 500), never an empty file."""
    township = TownshipFactory(county=county)
    officer = OfficerFactory(county=county, township=township)
    report = ReportFactory(officer=officer)
    attachment = ReportAttachment.objects.create(
        report=report,
        file=SimpleUploadedFile("x.png", image_bytes()),
        original_name="现场.png",
        content_type="image/png",
        kind="image",
        size=len(image_bytes()),
    )
    bucket.client.delete_object(Bucket=bucket.name, Key=f"private/{attachment.file.name}")
    client.force_login(officer.user)
    with pytest.raises(FileNotFoundError):
        client.get(reverse("reports:attachment", args=[attachment.pk]))


@pytest.mark.django_db
def test_admin_import_keeps_its_file_in_the_bucket_between_preview_and_confirm(client, bucket):
    """Preview and confirm may reach different web servers: the ledger waits in the bucket, not in /tmp."""
    county, _ = county_upsert(code="320922", name="滨海县", townships=["东坎街道", "坎北街道", "五汛镇", "八巨镇"])
    client.force_login(AdminFactory(county=county))
    upload = io.BytesIO((SAMPLES / "officers.csv").read_bytes())
    upload.name = "ledger.csv"
    response = client.post("/admin/officers/officer/import/", {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    assert bucket.keys() == [f"media/django-import-export/{data['import_file_name']}"]
    assert not (Path(tempfile.gettempdir()) / data["import_file_name"]).exists()
    assert Officer.objects.count() == 0

    response = client.post("/admin/officers/officer/process_import/", data)
    assert response.status_code == 302
    assert Officer.objects.count() == 6
    assert bucket.keys() == []  # removed once imported


# ---- the environment variables, read by the production settings in a fresh process ----------------

SCALING_VARIABLES = (
    "ATTACHMENTS_S3_BUCKET",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_ACCESS_KEY_ID",
    "AWS_S3_SECRET_ACCESS_KEY",
    "AWS_S3_REGION_NAME",
    "AWS_S3_ADDRESSING_STYLE",
    "SESSION_STORE",
    "SESSION_REDIS_URL",
    "REDIS_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "unionportal.settings.production",
    "SECRET_KEY": "k3#v9!q" * 10,
    "ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "sqlite:////tmp/unionportal-scaling-check.sqlite3",
}
MINIO = {
    "ATTACHMENTS_S3_BUCKET": "unionportal",
    "AWS_S3_ENDPOINT_URL": "http://minio:9000",
    "AWS_S3_ACCESS_KEY_ID": "portal",
    "AWS_S3_SECRET_ACCESS_KEY": "a-long-minio-secret",
}
DUMP = """
import json
from django.conf import settings
config = settings.STORAGES["attachments"].get("OPTIONS", {}).get("client_config")
print(json.dumps({
    "storages": settings.STORAGES,
    "addressing_style": config.s3["addressing_style"] if config else None,
    "session_engine": settings.SESSION_ENGINE,
    "session_cache_alias": settings.SESSION_CACHE_ALIAS,
    "caches": settings.CACHES,
    "import_tmp": getattr(settings, "IMPORT_EXPORT_TMP_STORAGE_CLASS", None),
}, default=repr))
"""


def production(env_overrides, *args):
    env = {k: v for k, v in os.environ.items() if k not in SCALING_VARIABLES} | PRODUCTION | env_overrides
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, encoding="utf-8", timeout=120
    )


def production_settings(env_overrides) -> dict:
    result = production(env_overrides, "-c", DUMP)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("missing", ["AWS_S3_ACCESS_KEY_ID", "AWS_S3_SECRET_ACCESS_KEY"])
def test_production_refuses_a_bucket_without_its_key(missing):
    result = production({k: v for k, v in MINIO.items() if k != missing}, "manage.py", "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "已设置 ATTACHMENTS_S3_BUCKET，但缺少 AWS_S3_ACCESS_KEY_ID 或 AWS_S3_SECRET_ACCESS_KEY" in result.stderr


def test_bucket_variables_give_private_s3_storages():
    found = production_settings(MINIO)
    attachments, default = found["storages"]["attachments"], found["storages"]["default"]
    assert attachments["BACKEND"] == default["BACKEND"] == "storages.backends.s3.S3Storage"
    options = attachments["OPTIONS"]
    assert {k: options[k] for k in ("bucket_name", "endpoint_url", "access_key", "secret_key", "region_name")} == {
        "bucket_name": "unionportal",
        "endpoint_url": "http://minio:9000",
        "access_key": "portal",
        "secret_key": "a-long-minio-secret",
        "region_name": "us-east-1",
    }
    assert (options["location"], default["OPTIONS"]["location"]) == ("private", "media")
    assert (options["default_acl"], options["querystring_auth"], options["file_overwrite"]) == (None, True, False)
    assert found["addressing_style"] == "path"
    assert found["storages"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert found["import_tmp"] == "import_export.tmp_storages.MediaStorage"


def test_production_with_a_bucket_passes_the_deploy_check():
    result = production(MINIO, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_the_variables_files_and_sessions_stay_on_one_server():
    found = production_settings({})
    assert found["storages"]["attachments"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert found["storages"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert found["session_engine"] == "django.contrib.sessions.backends.db"
    assert "sessions" not in found["caches"]
    assert found["import_tmp"] is None


@pytest.mark.parametrize(
    ("variables", "location"),
    [
        ({"REDIS_URL": "redis://redis:6379/0"}, "redis://redis:6379/0"),
        ({"REDIS_URL": "redis://redis:6379/0", "SESSION_REDIS_URL": "redis://redis:6379/1"}, "redis://redis:6379/1"),
    ],
)
def test_session_store_redis_gives_the_cache_engine_on_its_own_alias(variables, location):
    found = production_settings({"SESSION_STORE": "redis", **variables})
    assert found["session_engine"] == "unionportal.core.session_store"
    assert found["session_cache_alias"] == "sessions"
    assert found["caches"]["sessions"]["BACKEND"] == "unionportal.core.cache.RedisCache"
    assert found["caches"]["sessions"]["LOCATION"] == location
    assert found["caches"]["default"]["LOCATION"] == "redis://redis:6379/0"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"SESSION_STORE": "redis"}, "SESSION_STORE=redis 需要 Redis 地址：请设置 SESSION_REDIS_URL 或 REDIS_URL"),
        ({"SESSION_STORE": "memcached"}, "SESSION_STORE 只能是 database 或 redis，当前为 'memcached'"),
    ],
)
def test_session_store_refuses_what_it_cannot_do(variables, message):
    result = production(variables, "manage.py", "check")
    assert result.returncode != 0
    assert message in result.stderr


# ---- sessions in the real Redis of REDIS_URL --------------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db
def test_login_in_redis_is_seen_by_a_second_web_server(county):
    # An officer: password only, and an idle limit of SESSION_COOKIE_AGE (staff also pass the second
    # factor and have 30 minutes: tests/security/test_accounts_and_login.py)
    user = OfficerFactory(county=county, phone="13900000012").user
    engine, session_caches = session_settings("redis", redis_url=os.environ["REDIS_URL"])
    with override_settings(
        SESSION_ENGINE=engine,
        SESSION_CACHE_ALIAS=SESSION_CACHE_ALIAS,
        CACHES=django_settings.CACHES | session_caches,
        SESSION_TOUCH_SECONDS=0,  # every signed-in request pushes the idle expiry back (production: each minute)
    ):
        first = Client()
        response = first.post(reverse("login"), {"username": "13900000012", "password": PASSWORD})
        assert response.status_code == 302
        session_key = first.cookies[django_settings.SESSION_COOKIE_NAME].value
        store = import_module(engine).SessionStore(session_key=session_key)
        redis_key = caches[SESSION_CACHE_ALIAS].make_and_validate_key(store.cache_key)
        redis = caches[SESSION_CACHE_ALIAS]._cache.get_client(redis_key)
        assert redis.exists(redis_key)
        assert 0 < redis.ttl(redis_key) <= django_settings.SESSION_COOKIE_AGE
        assert not Session.objects.exists()  # nothing in django_session

        second = Client()  # another web server: shares only the browser's cookie and Redis
        second.cookies[django_settings.SESSION_COOKIE_NAME] = session_key
        redis.expire(redis_key, 100)  # as if the user had been idle for most of SESSION_COOKIE_AGE
        page = second.get(reverse("home"))
        assert page.status_code == 200
        assert page.wsgi_request.user == user
        assert redis.ttl(redis_key) > django_settings.SESSION_COOKIE_AGE - 60  # activity keeps it alive

        second.post(reverse("logout"))
        assert not redis.exists(redis_key)
        assert first.get(reverse("home")).status_code == 302  # logged out on every server
