"""Uploads: a picture's size is judged from its header before decoding, memory stays bounded, and
every photo (HEIC included) is stored re-encoded, without its metadata."""

import io
import re
import struct
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from reports import services as report_services
from reports.models import ReportAttachment
from tests.factories import OfficerFactory
from unionportal.core.attachments import check_uploads

LIMIT_MESSAGE = "“{name}”的图片尺寸过大{dims}，超过 4000 万像素的上限，请缩小后再上传"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def declared_png(width: int, height: int, *, rows: bool = True) -> bytes:
    """A real RGBA PNG of ``width``×``height`` transparent pixels, made of compressed zero rows
    (13000×13000 is about 3 MB, 676 MB once decoded); ``rows=False``: the header alone."""
    idat = b""
    if rows:
        compressor = zlib.compressobj(1)
        block_rows = 500
        block = b"\x00" * ((1 + width * 4) * block_rows)
        parts = [compressor.compress(block) for _ in range(height // block_rows)]
        parts.append(compressor.compress(b"\x00" * ((1 + width * 4) * (height % block_rows))))
        idat = b"".join(parts) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


class PeakMemory:
    """The most this process held (resident) while inside the block, above what it held before:
    Linux's VmHWM, reset on entry (Pillow's pixels are C memory that tracemalloc does not see)."""

    status = Path("/proc/self/status")

    def _kb(self, field):
        return int(re.search(rf"{field}:\s+(\d+) kB", self.status.read_text()).group(1))

    def __enter__(self):
        Path("/proc/self/clear_refs").write_text("5")  # resets the high-water mark to the current size
        self.before = self._kb("VmRSS")
        return self

    def __exit__(self, *exc):
        self.megabytes = (self._kb("VmHWM") - self.before) / 1024


@pytest.fixture(scope="module")
def bomb_png():
    return declared_png(13000, 13000)


def upload(data: bytes, name: str, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_169_megapixel_png_is_refused_from_its_header_in_little_memory(bomb_png):
    assert len(bomb_png) < 5 * 1024 * 1024  # under the upload size limit: only the pixel count stops it
    with pytest.warns(Image.DecompressionBombWarning):  # under Pillow's own limit: only a warning
        assert Image.open(io.BytesIO(bomb_png)).size == (13000, 13000)
    with PeakMemory() as memory, pytest.raises(ValidationError) as exc:
        check_uploads([upload(bomb_png, "bomb.png", "image/png")])
    assert exc.value.messages == [LIMIT_MESSAGE.format(name="bomb.png", dims="（13000×13000 像素）")]
    assert memory.megabytes < 100


@pytest.mark.django_db
def test_the_refused_picture_leaves_no_report_and_no_file(county, bomb_png):
    officer = OfficerFactory(county=county)
    with pytest.raises(ValidationError) as exc:
        report_services.report_save(
            officer=officer,
            data={"title": "t", "content": "c", "occurred_at": timezone.now() - timedelta(hours=1)},
            submit=True,
            files=[upload(bomb_png, "现场.png", "image/png")],
        )
    assert exc.value.message_dict == {
        "attachments": [LIMIT_MESSAGE.format(name="现场.png", dims="（13000×13000 像素）")]
    }
    assert ReportAttachment.objects.count() == 0
    assert officer.reports.count() == 0


def test_beyond_pillows_own_bomb_limit_the_same_answer():
    with pytest.raises(ValidationError) as exc:
        check_uploads([upload(declared_png(20000, 20000, rows=False), "huge.png")])
    assert exc.value.messages == [LIMIT_MESSAGE.format(name="huge.png", dims="")]


def test_the_limit_is_a_setting(settings):
    settings.ATTACHMENT_MAX_PIXELS = 50 * 50
    check_uploads([upload(declared_png(50, 50), "ok.png")])
    with pytest.raises(ValidationError) as exc:
        check_uploads([upload(declared_png(51, 50), "big.png")])
    assert exc.value.messages == ["“big.png”的图片尺寸过大（51×50 像素），超过 2500 像素的上限，请缩小后再上传"]


def test_a_large_allowed_jpeg_is_decoded_scaled_down_and_stored_at_the_longest_side():
    buffer = io.BytesIO()
    Image.new("RGB", (9000, 4000), "navy").save(buffer, format="JPEG", quality=60)
    data = buffer.getvalue()
    with PeakMemory() as memory:
        [(stored, found)] = check_uploads([upload(data, "wide.jpg")])
    assert memory.megabytes < 100  # decoded whole it is 144 MB
    assert Image.open(io.BytesIO(stored.read())).size == (4096, 1820)
    assert found.content_type == "image/jpeg"


def test_a_long_png_is_stored_at_the_longest_side(settings):
    buffer = io.BytesIO()
    Image.new("RGB", (5000, 10), "red").save(buffer, format="PNG")
    [(stored, found)] = check_uploads([upload(buffer.getvalue(), "long.png")])
    assert Image.open(io.BytesIO(stored.read())).size == (4096, 8)
    assert (found.content_type, found.extension) == ("image/png", ".png")


def heic_with_gps() -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    exif = Image.Exif()
    exif[0x010F] = "Apple"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (34.0, 15.0, 30.0), 3: "E", 4: (119.0, 50.0, 10.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, format="HEIF", exif=exif.tobytes(), quality=80)
    return buffer.getvalue()


@pytest.mark.django_db
def test_heic_is_stored_as_jpeg_without_its_gps_or_appended_bytes(county):
    heic = heic_with_gps()
    original = Image.open(io.BytesIO(heic))
    assert original.format == "HEIF" and 0x8825 in original.getexif()  # the photo carries a position
    officer = OfficerFactory(county=county)
    report = report_services.report_save(
        officer=officer,
        data={"title": "t", "content": "c", "occurred_at": timezone.now() - timedelta(hours=1)},
        submit=True,
        files=[upload(heic + b"<script>alert(1)</script>", "IMG_0001.HEIC", "image/heic")],
    )
    attachment = report.attachments.get()
    stored = attachment.file.read()
    assert (attachment.content_type, attachment.original_name) == ("image/jpeg", "IMG_0001.jpg")
    assert attachment.file.name.endswith(".jpg") and attachment.size == len(stored)
    picture = Image.open(io.BytesIO(stored))
    assert (picture.format, picture.size) == ("JPEG", (64, 48))
    assert dict(picture.getexif()) == {} and b"Exif" not in stored and b"<script>" not in stored
