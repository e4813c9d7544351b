"""Settings shared by every environment. One django-environ ``env`` reads them all."""

from pathlib import Path

import environ

from unionportal.core.client_address import trusted_networks

from . import scaling

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is optional; real deployments set the environment directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="unsafe-dev-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "django_celery_beat",
    "axes",
    # Second factor (TOTP authenticator apps, recovery codes): officers/security/two_factor.py.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The floors, lowest first (docs/architecture.md).
    "unionportal.core",
    "officers",
    "reports",
    "disputes",
    "unionportal.overview",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before everything that queries the database: a lost connection, wherever below, answers 503.
    "unionportal.core.db_unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "unionportal.core.middleware.SessionIdleExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "unionportal.core.middleware.SecurityHeadersMiddleware",
    # The second factor before anything else a signed-in user asks for, then the password, then
    # 三员分立 (each system administrator refused every page outside their duty), then the notice.
    "officers.security.middleware.SecondFactorMiddleware",
    "unionportal.core.middleware.PasswordChangeRequiredMiddleware",
    "officers.security.middleware.DutySeparationMiddleware",
    "officers.security.middleware.ProcessingNoticeMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling, before the real check
    # Django's ModelBackend, loading the user's officer and county with the user (one query a request).
    "officers.backends.PortalBackend",
]
# Five failed logins for the same phone from the same address lock that pair out for 30 minutes;
# officers often share one network address, so an address alone is locked only at a higher count
# across all phones (unionportal.core.login_throttle). The address is the client's, behind a trusted
# proxy too (TRUSTED_PROXIES below). An admin unlocks in the portal (登录锁定), on the admin site
# (Axes) or with `manage.py axes_reset_username PHONE` / `axes_reset_ip ADDRESS`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "unionportal.core.login_throttle.PortalAxesHandler"
AXES_CLIENT_IP_CALLABLE = "unionportal.core.client_address.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# The reverse proxies (nginx) whose X-Forwarded-For is believed: addresses or networks, e.g.
# "127.0.0.1,10.0.0.0/24". Empty (default): the connecting address is the client's
# (unionportal.core.client_address). A wrong entry stops the portal at start-up.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
trusted_networks(TRUSTED_PROXIES)

ROOT_URLCONF = "unionportal.urls"
WSGI_APPLICATION = "unionportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unionportal.core.context_processors.portal",
                "reports.context_processors.open_emergencies",
            ],
        },
    },
]

# Default: a SQLite file in the project, so `make run` needs nothing else installed.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The review queue's index carries the officer as a non-key column on PostgreSQL (an index-only count);
# SQLite (make run) builds it without that column, as Django's warning says: nothing to act on there.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": scaling.REDIS_CACHE_BACKEND,
            "LOCATION": REDIS_URL,
            "OPTIONS": scaling.REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions: in Redis whenever REDIS_URL is set (Django's cache session engine on the cache alias
# "sessions", at SESSION_REDIS_URL, default REDIS_URL: no database query to know who asks), else in the
# database; SESSION_STORE=database or redis chooses either way.
_SESSION_REDIS = env("SESSION_REDIS_URL", default="") or REDIS_URL
SESSION_STORE = env("SESSION_STORE", default="redis" if _SESSION_REDIS else "database")
SESSION_ENGINE, _session_caches = scaling.session_settings(SESSION_STORE, redis_url=_SESSION_REDIS)
CACHES |= _session_caches
SESSION_CACHE_ALIAS = scaling.SESSION_CACHE_ALIAS  # used only by the cache engine

AUTH_USER_MODEL = "officers.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sessions end after this much inactivity; an active one is pushed back at most once a minute
# (unionportal.core.middleware.SessionIdleExpiryMiddleware), not written on every request.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_TOUCH_SECONDS = 60
# The bell's unread count is kept per user in the cache this long at most (every new or read
# notification forgets it at once: unionportal.core.bell).
BELL_CACHE_SECONDS = env.int("BELL_CACHE_SECONDS", default=300)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "unionportal.core.validators.ChineseMinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 等保 2.0 口令复杂度: at least 8 characters of three kinds.
    {"NAME": "unionportal.core.validators.PasswordComplexityValidator", "OPTIONS": {"min_length": 8, "min_kinds": 3}},
]

LANGUAGE_CODE = "zh-hans"
# The one language of the portal: without this, LocaleMiddleware honours a browser asking for English
# and Django's own texts (form errors, password rules, the admin) switch to English.
LANGUAGES = [("zh-hans", "简体中文")]
# Chinese for the few texts of the libraries that ship none (django-import-export's export page).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live outside static/ and no URL serves them: attachments are streamed by views
# that check who may see them.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT / "private"), "base_url": "/no-public-url/"},
    },
}
# Uploads: images (checked by content) and PDFs, at most this many bytes each and files per report.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENTS_PER_REPORT = 5
# A photo of more pixels than this is refused from its header, before any pixel is decoded (a 640 KB
# PNG can declare 13000×13000 pixels, 676 MB once decoded); one within it is stored with its longest
# side at most ATTACHMENT_MAX_SIDE pixels (a JPEG is decoded already scaled down). Together they bound
# the memory one upload takes: at most ATTACHMENT_MAX_PIXELS × 4 bytes while decoding (160 MB).
ATTACHMENT_MAX_PIXELS = env.int("ATTACHMENT_MAX_PIXELS", default=40_000_000)
ATTACHMENT_MAX_SIDE = env.int("ATTACHMENT_MAX_SIDE", default=4096)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440

# Several web servers: ATTACHMENTS_S3_BUCKET puts attachments (under private/) and every other stored file
# (under media/) in one private S3-compatible bucket, e.g. MinIO at AWS_S3_ENDPOINT_URL. Production refuses
# to start without the access key and secret (production.py).
ATTACHMENTS_S3_BUCKET = env("ATTACHMENTS_S3_BUCKET", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="")
AWS_S3_ACCESS_KEY_ID = env("AWS_S3_ACCESS_KEY_ID", default="")
AWS_S3_SECRET_ACCESS_KEY = env("AWS_S3_SECRET_ACCESS_KEY", default="")
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="us-east-1")
AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE", default="")  # default: path with an endpoint URL
if ATTACHMENTS_S3_BUCKET:
    STORAGES |= scaling.s3_storages(
        bucket=ATTACHMENTS_S3_BUCKET,
        endpoint_url=AWS_S3_ENDPOINT_URL,
        access_key=AWS_S3_ACCESS_KEY_ID,
        secret_key=AWS_S3_SECRET_ACCESS_KEY,
        region=AWS_S3_REGION_NAME,
        addressing_style=AWS_S3_ADDRESSING_STYLE,
        max_memory_size=FILE_UPLOAD_MAX_MEMORY_SIZE,
    )
    # The admin import's file between preview and confirm: in the bucket, not in one server's folder.
    IMPORT_EXPORT_TMP_STORAGE_CLASS = scaling.SHARED_IMPORT_TMP_STORAGE

# The stipend rule's defaults (an admin sets the values per month from the stipends pages).
STIPEND_DEFAULT_QUOTA = 1
STIPEND_DEFAULT_AMOUNTS = {"qualified": 100, "good": 200, "excellent": 300}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="unionportal@localhost")
# Shorter than any task's time limit: a hung mail server fails the attempt instead of the worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Celery: the broker is Redis when REDIS_URL is set. Without it, kombu's filesystem transport
# lets a real worker run beside `make run` with nothing else installed.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
# Tasks record their outcome in the database (outbox rows, reminder rows), not in a result backend.
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_TRANSPORT_OPTIONS = (
    # Redis redelivers a task whose worker died only after this long. Every task has a time limit
    # well under it; alerts do not wait for redelivery: the outbox sweep re-queues them within a minute.
    {"visibility_timeout": 900, "socket_connect_timeout": 3, "socket_timeout": 10}
    if REDIS_URL
    else {
        "data_folder_in": str(BASE_DIR / "var" / "celery" / "queue"),
        "data_folder_out": str(BASE_DIR / "var" / "celery" / "queue"),
        "control_folder": str(BASE_DIR / "var" / "celery" / "control"),
    }
)
CELERY_TIMEZONE = TIME_ZONE
# Urgent outbox messages (emergency alerts) are queued on "alerts" by unionportal.core.outbox.enqueue.
# Task modules outside an app's tasks.py (autodiscovery finds only those).
CELERY_IMPORTS = ("unionportal.core.imports.tasks",)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A late-acknowledged task is redelivered when the connection drops: do not also let it run on.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Schedules live in the database (django-celery-beat) so an admin changes them on the admin site;
# migrations install the defaults (reports/migrations/*_default_schedules.py).
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DJANGO_CELERY_BEAT_TZ_AWARE = True
# Publishing must not hang a web request while the broker is down: the outbox sweep catches up.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}

# SMS reminders go through this backend; the default only logs. A county plugs in its gateway by
# naming a class with a send(phone, text) method.
SMS_BACKEND = env("SMS_BACKEND", default="unionportal.core.sms.LoggingBackend")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240

# An uploaded ledger waits between the admin's preview and confirm in a private folder of the portal
# (unionportal/core/imports/storage.py), or in the bucket below, under a random name signed for the
# admin who uploaded it: never in /tmp, never under a name a request chooses.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Ledger imports (unionportal/core/imports/): what a file uploaded through a page may be, and from how
# many rows on it runs as a background job with a progress bar. The commands allow more rows.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
IMPORT_MAX_COLUMNS = 100
IMPORT_COMMAND_MAX_ROWS = env.int("IMPORT_COMMAND_MAX_ROWS", default=2_000_000)
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=2_000)
IMPORT_FILE_MAX_AGE = 24 * 3600  # an uploaded file not confirmed within a day must be uploaded again
# A job that has not reported progress for this long is taken to have died with its worker.
IMPORT_JOB_STALE_SECONDS = 15 * 60

# Portal rules that an installation may tune.
PORTAL_NAME = "工会劳动领域信息员工作平台"
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")  # links in emails
# The dashboard's year figures are shared through the cache for this long (0: computed on every request).
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)
# The red banner of open emergencies on every staff page, shared by a county's staff for at most this
# long; the portal forgets it at once whenever it changes there (reports.selectors.open_emergencies).
OPEN_EMERGENCIES_CACHE_SECONDS = env.int("OPEN_EMERGENCIES_CACHE_SECONDS", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A server error's line ends with the 错误编号 its page shows (core.error_reference).
    "filters": {"error_reference": {"()": "unionportal.core.error_reference.ErrorReferenceFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["error_reference"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# 等保 2.0 level 3 / PIPL controls (docs/security-controls.md). The security administrator's policy page
# (安全策略) overrides the idle limits, password ages and the officers' second factor; these are its defaults.
STAFF_IDLE_MINUTES = env.int("STAFF_IDLE_MINUTES", default=30)
OFFICER_IDLE_MINUTES = env.int("OFFICER_IDLE_MINUTES", default=8 * 60)
STAFF_PASSWORD_MAX_AGE_DAYS = env.int("STAFF_PASSWORD_MAX_AGE_DAYS", default=90)
OFFICER_PASSWORD_MAX_AGE_DAYS = env.int("OFFICER_PASSWORD_MAX_AGE_DAYS", default=0)  # 0: no expiry
OFFICER_TOTP_REQUIRED = env.bool("OFFICER_TOTP_REQUIRED", default=False)
# A new password may not repeat the current one nor any of this many before it.
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)
# The authenticator app shows this issuer beside the account.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="信息员工作平台")
OTP_RECOVERY_CODES = 10
# The audit log's hash chain: sha256, or sm3 (国密 SM3) where the assessment asks for it.
AUDIT_HASH_ALGORITHM = env("AUDIT_HASH_ALGORITHM", default="sha256")
# 网络安全法 §21: audit rows are kept at least six months; audit_purge refuses anything younger.
AUDIT_RETENTION_DAYS = max(180, env.int("AUDIT_RETENTION_DAYS", default=180))
# PIPL: an officer dismissed (解聘) longer ago than this is anonymised by the nightly job.
OFFICER_RETENTION_YEARS = env.int("OFFICER_RETENTION_YEARS", default=3)
