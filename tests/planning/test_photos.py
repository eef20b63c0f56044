"""Photos of places come out with pixels only: no GPS, no camera, no bombs."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image

from outreach.services.photos import MAX_EDGE, sanitise_place_photo


def jpeg_with_gps(size=(2400, 1200)) -> bytes:
    image = Image.new("RGB", size, (40, 120, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    exif[ExifTags.Base.Orientation] = 1
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (50.0, 38.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (3.0, 4.0, 30.1)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"taken at night")
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_header_only(width: int, height: int) -> bytes:
    """A tiny file whose header claims an enormous image (a decompression bomb's shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_jpeg_with_gps_exif_comes_out_without_it():
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the input really has GPS

    cleaned = sanitise_place_photo(upload(original))

    with Image.open(io.BytesIO(cleaned.read())) as after:
        assert after.format == "JPEG"
        assert not after.getexif()  # no EXIF at all: no GPS, no camera make or model
        assert "exif" not in after.info and "comment" not in after.info
        assert "icc_profile" not in after.info and "xmp" not in after.info
        assert max(after.size) == MAX_EDGE  # resized, proportions kept
        assert after.size == (MAX_EDGE, MAX_EDGE // 2)
    assert b"PhoneMaker" not in cleaned.read() and b"GPS" not in cleaned.read()


def test_png_with_transparency_becomes_a_plain_jpeg():
    image = Image.new("RGBA", (300, 200), (255, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    cleaned = sanitise_place_photo(upload(out.getvalue(), "place.png", "image/png"))
    with Image.open(io.BytesIO(cleaned.read())) as after:
        assert (after.format, after.mode, after.size) == ("JPEG", "RGB", (300, 200))


def test_non_image_is_refused_with_a_clear_message():
    fake = upload(b"%PDF-1.7 this is a document, not a photo", "photo.jpg")
    with pytest.raises(ValidationError) as caught:
        sanitise_place_photo(fake)
    assert caught.value.code == "not_an_image"
    assert "pas une image" in str(caught.value.messages[0])  # French by default
    with translation.override("en"):
        assert "not an image" in str(caught.value.messages[0])


def test_image_with_too_many_pixels_is_refused_before_decoding():
    with pytest.raises(ValidationError) as caught:
        sanitise_place_photo(upload(png_header_only(9000, 9000), "big.png", "image/png"))
    assert caught.value.code == "too_many_pixels"
    assert "9000 × 9000" in caught.value.messages[0]


def test_decompression_bomb_is_refused():
    with pytest.raises(ValidationError) as caught:
        sanitise_place_photo(upload(png_header_only(60000, 60000), "bomb.png", "image/png"))
    assert caught.value.code in {"bomb", "too_many_pixels"}


def test_file_over_the_upload_limit_is_refused(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    with pytest.raises(ValidationError) as caught:
        sanitise_place_photo(upload(jpeg_with_gps()))
    assert caught.value.code == "too_large"
    assert "trop volumineux" in caught.value.messages[0]
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            sanitise_place_photo(upload(jpeg_with_gps()))
        assert "too large" in caught.value.messages[0]


def test_unsupported_image_format_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(ValidationError) as caught:
        sanitise_place_photo(upload(out.getvalue(), "x.gif", "image/gif"))
    assert caught.value.code == "bad_format"


@pytest.mark.django_db
def test_photos_are_served_only_by_the_scoped_view_even_in_development(settings, tmp_path):
    import importlib

    from django.test import Client
    from django.urls import clear_url_caches

    import maraude.urls
    from tests.factories import CoordinatorFactory, HotspotFactory, sign_in

    settings.DEBUG = True  # `make run`
    settings.MEDIA_ROOT = tmp_path
    importlib.reload(maraude.urls)
    clear_url_caches()
    coordinator = CoordinatorFactory()
    hotspot = HotspotFactory(organisation=coordinator.organisation)
    hotspot.photo.save("x.jpg", sanitise_place_photo(upload(jpeg_with_gps((300, 200)))))
    assert (tmp_path / hotspot.photo.name).exists()

    assert Client().get(f"/media/{hotspot.photo.name}").status_code == 404
    own = sign_in(Client(), coordinator).get(f"/planning/hotspots/{hotspot.pk}/photo.jpg")
    assert own.status_code == 200 and own["Content-Type"] == "image/jpeg"
    assert b"".join(own.streaming_content).startswith(b"\xff\xd8")
    stranger = sign_in(Client(), CoordinatorFactory()).get(f"/planning/hotspots/{hotspot.pk}/photo.jpg")
    assert stranger.status_code == 404
