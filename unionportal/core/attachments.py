"""Attachments: what an upload really is (judged by its bytes, never by its name), where it is kept
(private storage with random names) and how it is streamed back to someone who may see it."""

import re
import uuid
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.http import FileResponse
from django.utils import timezone


def attachment_storage():
    """Attachments have no public URL: they are only streamed by a view that checked the scoping
    rule. The backend is settings.STORAGES["attachments"] (a private folder, or S3-compatible)."""
    return storages["attachments"]


def attachment_path(instance, filename):
    # The stored name is random; the officer's file name is kept only as text (original_name).
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    now = timezone.localtime()
    return f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "image" or "pdf"
    content_type: str
    extension: str


def sniff(head: bytes) -> Sniffed | None:
    """The file type from its first bytes: the images phones make (JPEG, PNG, WebP, HEIC) and PDF."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "image/jpeg", ".jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "image/png", ".png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "image/webp", ".webp")
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heif"):
        return Sniffed("image", "image/heic", ".heic")
    if head.startswith(b"%PDF-"):
        return Sniffed("pdf", "application/pdf", ".pdf")
    return None


def clean_name(name: str) -> str:
    """The officer's file name as text only: no folders, no control characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip(" .")
    return base[:200] or "附件"


PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def re_encode(upload, found: Sniffed):
    """Decode and encode a photo again, so that neither its metadata (a phone's GPS position) nor
    anything appended to it survives. HEIC (no decoder here) and PDF are kept as they came."""
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image, ImageOps, UnidentifiedImageError

    fmt = PILLOW_FORMATS.get(found.content_type)
    if fmt is None:
        upload.seek(0)
        return ContentFile(upload.read(), name=upload.name)
    try:
        upload.seek(0)
        image = Image.open(upload)
        image.load()
        image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(f"“{clean_name(upload.name)}”无法作为图片打开，可能已损坏") from None
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = BytesIO()
    options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
    image.save(out, format=fmt, **options)
    return ContentFile(out.getvalue(), name=upload.name)


def check_uploads(files, *, existing: int = 0) -> list[tuple[object, Sniffed]]:
    """Validate uploads; returns (clean file, what it is) pairs or raises ValidationError in Chinese.
    Photos come back re-encoded (see re_encode)."""
    limit = settings.ATTACHMENTS_PER_REPORT
    max_bytes = settings.ATTACHMENT_MAX_BYTES
    if existing + len(files) > limit:
        raise ValidationError(f"每条信息最多 {limit} 个附件（已有 {existing} 个）")
    checked, problems = [], []
    for upload in files:
        name = clean_name(upload.name)
        if upload.size > max_bytes:
            problems.append(f"“{name}”超过 {max_bytes // (1024 * 1024)} MB，请压缩后再上传")
            continue
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        found = sniff(head)
        if found is None:
            problems.append(f"“{name}”不是图片或 PDF 文件（只接受 JPG、PNG、WebP、HEIC 照片和 PDF）")
            continue
        try:
            checked.append((re_encode(upload, found), found))
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError(problems)
    return checked


def private_file_response(file, *, filename: str, content_type: str, inline: bool = False) -> FileResponse:
    """A download the browser saves (or shows, for a re-encoded image asked for inline), never sniffs
    into something else, and does not keep in a shared cache."""
    response = FileResponse(file.open("rb"), as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
