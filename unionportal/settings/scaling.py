"""Running on several web servers (docs/operator-guide.md, “扩展 · Scaling out”): files in an S3-compatible
bucket instead of one server's disk, sessions in Redis instead of the database.

base.py reads the environment variables and calls these functions; the tests call the same functions,
so what they exercise is the configuration production gets.
"""

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
# Prefixes inside the one bucket: attachments (streamed only by views that check who may see them)
# and everything else a storage holds (e.g. django-import-export's file between preview and confirm).
ATTACHMENTS_PREFIX = "private"
MEDIA_PREFIX = "media"
# django-import-export keeps an uploaded ledger between the preview and the confirm request, which may
# reach another web server: with a bucket it goes to the default storage (media/django-import-export/).
SHARED_IMPORT_TMP_STORAGE = "import_export.tmp_storages.MediaStorage"

SESSION_STORES = ("database", "redis")
# A Redis that does not answer (a dropped network, not a refused connection) fails a page's cache or
# session read within seconds, not after the operating system's connect timeout or gunicorn's 60 s.
# Django's Redis cache, reusing its Redis client (unionportal.core.cache says why).
REDIS_CACHE_BACKEND = "unionportal.core.cache.RedisCache"
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
SESSION_CACHE_ALIAS = "sessions"
# Django's cache session engine, whose load also reads the bell's count (one Redis round trip).
SESSION_ENGINE_REDIS = "unionportal.core.session_store"
SESSION_SERIALIZER = "unionportal.core.session_store.SessionSerializer"


def s3_storages(
    *,
    bucket: str,
    endpoint_url: str = "",
    access_key: str = "",
    secret_key: str = "",
    region: str = "us-east-1",
    addressing_style: str = "",
    max_memory_size: int = 0,
) -> dict:
    """STORAGES entries "default" and "attachments" on one private bucket (MinIO or any S3-compatible
    service). Nothing is ever served from the bucket by URL: the bucket needs no public access."""
    from botocore.config import Config  # only needed when a bucket is configured

    client_config = Config(
        signature_version="s3v4",
        # MinIO on a county's own server is reached by address: bucket names in the path, not the host.
        s3={"addressing_style": addressing_style or ("path" if endpoint_url else "auto")},
        # A bucket that does not answer fails the request (2 tries, at most 2 × 25 s of silence) before
        # gunicorn's 60 s timeout kills the worker.
        connect_timeout=5,
        read_timeout=20,
        retries={"mode": "standard", "max_attempts": 2},
    )
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "region_name": region or None,
        # Objects carry no ACL of their own, so the bucket's policy (private) applies; never public-read.
        # (Sending no ACL header also works on buckets that refuse ACLs altogether.)
        "default_acl": None,
        "querystring_auth": True,  # were a URL ever made, it would be signed and expire
        "file_overwrite": False,  # a name already taken gets a new one, as on the file system
        # Downloads larger than this are buffered in a temporary file instead of memory.
        "max_memory_size": max_memory_size,
        "client_config": client_config,
    }
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": options | {"location": MEDIA_PREFIX}},
        "attachments": {"BACKEND": S3_BACKEND, "OPTIONS": options | {"location": ATTACHMENTS_PREFIX}},
    }


def session_settings(store: str, *, redis_url: str) -> tuple[str, dict]:
    """(SESSION_ENGINE, extra CACHES entries) for SESSION_STORE: "database" (the default) or "redis",
    Django's cache session engine (as extended by core.session_store) on a cache alias of its own, so
    every web server sees every login."""
    if store == "database":
        return "django.contrib.sessions.backends.db", {}
    if store == "redis":
        if not redis_url:
            raise ImproperlyConfigured(
                "SESSION_STORE=redis 需要 Redis 地址：请设置 SESSION_REDIS_URL 或 REDIS_URL "
                "(set SESSION_REDIS_URL or REDIS_URL)"
            )
        cache = {
            "BACKEND": REDIS_CACHE_BACKEND,
            "LOCATION": redis_url,
            "KEY_PREFIX": "session",
            # A signed-in session is stored with its user's id in front, so that one round trip reads
            # the session and the bell's count together (unionportal.core.session_store).
            "OPTIONS": REDIS_CACHE_OPTIONS | {"serializer": SESSION_SERIALIZER},
        }
        return SESSION_ENGINE_REDIS, {SESSION_CACHE_ALIAS: cache}
    raise ImproperlyConfigured(
        f"SESSION_STORE 只能是 {' 或 '.join(SESSION_STORES)}，当前为 {store!r} "
        f"(SESSION_STORE must be one of {', '.join(SESSION_STORES)})"
    )
