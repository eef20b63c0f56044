"""Photos of places: decoded, re-encoded and resized so nothing but the pixels survives.

A phone photo carries GPS coordinates, the camera's serial number and the time it was taken:
exactly what must not leak about a team's night. Re-encoding into a brand-new image drops every
metadata block (EXIF, XMP, IPTC, ICC, comments) whatever the input format held.
"""

from __future__ import annotations

import io
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# Beyond this many pixels a file is refused before decoding (a 40 MP phone photo is fine;
# a 1 KB PNG claiming 100,000 x 100,000 pixels is a decompression bomb).
MAX_PIXELS = 50_000_000
MAX_EDGE = 1600
JPEG_QUALITY = 82


def _refuse(message, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def sanitise_place_photo(upload, *, max_bytes: int | None = None) -> ContentFile:
    """A clean JPEG (no metadata, longest edge at most MAX_EDGE px) from an uploaded image.

    Raises ValidationError with a clear message for an oversized file, a file that is not a
    JPEG/PNG/WebP image, or an image with too many pixels.
    """
    limit = max_bytes if max_bytes is not None else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > limit:
        raise _refuse(
            _("This file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)},
            "too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns, then fails, on decompression bombs: treat its warning as a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in ACCEPTED_FORMATS:
                raise _refuse(_("Only JPEG, PNG or WebP photos are accepted."), "bad_format")
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _refuse(
                    _("This image is too large (%(width)s × %(height)s pixels).")
                    % {"width": width, "height": height},
                    "too_many_pixels",
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse(_("This image is too large to be processed safely."), "bomb") from exc
    except UnidentifiedImageError as exc:
        raise _refuse(_("This file is not an image Maraude can read."), "not_an_image") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise _refuse(_("This image is damaged or incomplete."), "damaged") from exc

    # Apply the camera's rotation before the orientation tag is dropped with the rest.
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    # A fresh image carries no `info` at all: only the pixels are copied across.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    # A random name: nothing about the place or the upload can be guessed from the file name.
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
