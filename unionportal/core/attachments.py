"""Attachments: what an upload really is (judged by its bytes, never by its name), where it is kept
(private storage with random names) and how it is streamed back to someone who may see it."""

import re
import uuid
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import FileResponse
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()  # HEIC photos (iPhones) open like any other; they are stored as JPEG


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
JPEG = Sniffed("image", "image/jpeg", ".jpg")
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_SIDE = 4096


def pixel_limit_text(pixels: int) -> str:
    """40_000_000 → "4000 万像素"."""
    return f"{pixels / 10_000:g} 万像素" if pixels >= 10_000 else f"{pixels} 像素"


def too_large(name: str, size=None) -> ValidationError:
    limit = getattr(settings, "ATTACHMENT_MAX_PIXELS", DEFAULT_MAX_PIXELS)
    dimensions = f"（{size[0]}×{size[1]} 像素）" if size else ""
    return ValidationError(f"“{name}”的图片尺寸过大{dimensions}，超过 {pixel_limit_text(limit)}的上限，请缩小后再上传")


def re_encode(upload, found: Sniffed) -> tuple[ContentFile, Sniffed]:
    """Decode and encode a photo again, so that neither its metadata (a phone's GPS position) nor
    anything appended to it survives; HEIC becomes JPEG. PDF is kept as it came.

    Memory stays within a fixed budget: the size is read from the header (Image.open decodes
    nothing) and a picture of more than ATTACHMENT_MAX_PIXELS is refused before any pixel is
    decoded; a JPEG is decoded already scaled down towards ATTACHMENT_MAX_SIDE (Image.draft), and
    every photo is stored with its longest side at most ATTACHMENT_MAX_SIDE pixels."""
    if found.kind != "image":
        upload.seek(0)
        return ContentFile(upload.read(), name=upload.name), found
    name = clean_name(upload.name)
    max_pixels = getattr(settings, "ATTACHMENT_MAX_PIXELS", DEFAULT_MAX_PIXELS)
    max_side = getattr(settings, "ATTACHMENT_MAX_SIDE", DEFAULT_MAX_SIDE)
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the portal's own limit is lower
            image = Image.open(upload)
        width, height = image.size
        if width * height > max_pixels:
            raise too_large(name, image.size)
        if image.format == "JPEG" and max(width, height) > max_side:
            # Decoded at 1/2, 1/4 or 1/8 of its size, no smaller than the stored size.
            ratio = max_side / max(width, height)
            image.draft(image.mode, (max(1, int(width * ratio)), max(1, int(height * ratio))))
        image.load()
        image = ImageOps.exif_transpose(image)
        if max(image.size) > max_side:
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    except Image.DecompressionBombError:
        raise too_large(name) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError(f"“{name}”无法作为图片打开，可能已损坏") from None
    fmt = PILLOW_FORMATS.get(found.content_type)
    if fmt is None:  # HEIC: stored as JPEG, which every browser shows
        fmt, found = "JPEG", JPEG
        name = f"{PurePath(name).stem or '照片'}.jpg"
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = BytesIO()
    options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
    image.save(out, format=fmt, **options)
    return ContentFile(out.getvalue(), name=name), found


def check_uploads(files, *, existing: int = 0) -> list[tuple[object, Sniffed]]:
    """Validate uploads; returns (clean file, what it is) pairs or raises ValidationError in Chinese.
    Photos come back re-encoded (see re_encode): what they are is then what was stored (HEIC → JPEG)."""
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
            checked.append(re_encode(upload, found))
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
