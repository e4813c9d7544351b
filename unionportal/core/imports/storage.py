"""Where an uploaded ledger waits between the admin's preview and confirm, and how the confirm step
proves it names a file the portal issued to that admin.

django-import-export's default keeps the file in the system temp folder and, on confirm, reads and
then deletes whatever file of the posted name lies there. Here the file waits in the portal's own
private storage (the attachments storage: MEDIA_ROOT/private/imports, or the bucket), under a random
name, and the confirm form carries that name signed for the admin who uploaded it.
"""

import re

from django.conf import settings
from django.core import signing
from django.core.files.storage import storages
from django.utils.module_loading import import_string
from import_export.tmp_storages import MediaStorage

ISSUED_NAME = re.compile(r"^[0-9a-f]{32}$")  # what MediaStorage.save() names a file: uuid4().hex
SALT = "unionportal.import-file"


class IssuedNamesOnly:
    """A temporary storage that opens only names of the form the portal issues, so no posted name
    can reach a folder or a file of anybody else."""

    def __init__(self, **kwargs):
        name = kwargs.get("name")
        if name is not None and not ISSUED_NAME.match(str(name)):
            raise ValueError("not an import file name issued by the portal")
        super().__init__(**kwargs)


class PrivateImportStorage(IssuedNamesOnly, MediaStorage):
    """The attachments storage (private, no URL), folder ``imports/pending``."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.MEDIA_FOLDER = "imports/pending"

    def _configure_storage(self):
        self._storage = storages["attachments"]


def tmp_storage_class():
    """The configured shared storage when several web servers share a bucket (settings
    IMPORT_EXPORT_TMP_STORAGE_CLASS), else the private folder; either way, issued names only."""
    configured = getattr(settings, "IMPORT_EXPORT_TMP_STORAGE_CLASS", None)
    if not configured:
        return PrivateImportStorage
    base = import_string(configured) if isinstance(configured, str) else configured
    if issubclass(base, IssuedNamesOnly):
        return base
    return type(f"Issued{base.__name__}", (IssuedNamesOnly, base), {})


def sign_name(name: str, user) -> str:
    return signing.dumps(name, salt=f"{SALT}:{user.pk}")


def issued_name(signature: str, user) -> str | None:
    """The file name ``signature`` was issued for, if it was issued to ``user`` within the last
    IMPORT_FILE_MAX_AGE seconds; otherwise None."""
    try:
        name = signing.loads(signature, salt=f"{SALT}:{user.pk}", max_age=settings.IMPORT_FILE_MAX_AGE)
    except signing.BadSignature:
        return None
    return name if isinstance(name, str) and ISSUED_NAME.match(name) else None
