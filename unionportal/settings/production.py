"""Production: only tightens the base settings, and refuses to start without its secrets."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ATTACHMENTS_S3_BUCKET, AWS_S3_ACCESS_KEY_ID, AWS_S3_SECRET_ACCESS_KEY, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: ImproperlyConfigured at start-up when missing
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Files in a bucket: both halves of the key, or no start (rather than failing on the first upload).
if ATTACHMENTS_S3_BUCKET and not (AWS_S3_ACCESS_KEY_ID and AWS_S3_SECRET_ACCESS_KEY):
    raise ImproperlyConfigured(
        "已设置 ATTACHMENTS_S3_BUCKET，但缺少 AWS_S3_ACCESS_KEY_ID 或 AWS_S3_SECRET_ACCESS_KEY "
        "(ATTACHMENTS_S3_BUCKET is set: set AWS_S3_ACCESS_KEY_ID and AWS_S3_SECRET_ACCESS_KEY too)"
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers and the compose healthcheck probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# County portals mostly run on intranet host names that the browsers' public HSTS preload list
# cannot hold; preloading is opt-in (SECURE_HSTS_PRELOAD=true), so its reminder is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Idle expiry (SESSION_COOKIE_AGE from the last request, to the minute) is in base.py: the session
# middleware pushes an active session back once a minute instead of writing it on every request.
# EMAIL_URL such as smtp+tls://user:password@smtp.example.org:587 sets EMAIL_BACKEND, host and login.
vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))
