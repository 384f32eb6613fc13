"""Photos of a contact: checked, re-encoded and stored. A photo is bounded before any
pixel is decoded (bytes, format, pixel count from the header), then decoded once,
turned upright, shrunk to at most MAX_SIDE pixels a side and saved as a JPEG without
its metadata (LGPD: the camera's position and device stay on the phone)."""

from __future__ import annotations

import datetime as dt
import io
import secrets
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from carteira.accounts.models import User
from carteira.audit.services import do_record
from carteira.interactions.models import Interaction, Photo

DEFAULT_MAX_BYTES = 8 * 1024 * 1024  # what a phone camera gives at most, before shrinking
MAX_PIXELS = 50_000_000  # a 50-megapixel sensor; more is a decompression bomb
MAX_SIDE = 1600  # stored: enough to read a shelf or a label
MAX_PER_CONTACT = 5
QUALITY = 82
FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


class PhotoRefused(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def max_photo_bytes() -> int:
    return int(getattr(settings, "CARTEIRA_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_big_message() -> str:
    return _("The photo is larger than %(mb)s MB.") % {"mb": max_photo_bytes() // (1024 * 1024)}


def clean_photo(data: bytes) -> tuple[bytes, int, int]:
    """(the JPEG to store, its width, its height) from the bytes the phone sent."""
    if not data:
        raise PhotoRefused("empty", _("The photo is empty."))
    if len(data) > max_photo_bytes():
        raise PhotoRefused("too_big", too_big_message())
    not_a_photo = PhotoRefused("not_a_photo", _("This file is not a photo (JPEG, PNG or WebP)."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:  # reads the header only
                if image.format not in FORMATS:
                    raise not_a_photo
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise PhotoRefused("too_many_pixels", _("The photo has too many pixels."))
                image.load()
                upright = ImageOps.exif_transpose(image).convert("RGB")
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused("too_many_pixels", _("The photo has too many pixels.")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise not_a_photo from None
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=QUALITY, optimize=True)  # no exif= : none is written
    return out.getvalue(), upright.width, upright.height


def do_attach_photo(
    interaction: Interaction, data: bytes, *, by: User | None, taken_at: dt.datetime | None
) -> Photo:
    """Keep a photo of ``interaction`` (reached through its client's gate)."""
    if interaction.photos.count() >= MAX_PER_CONTACT:
        raise PhotoRefused(
            "too_many", _("A contact keeps at most %(count)s photos.") % {"count": MAX_PER_CONTACT}
        )
    content, width, height = clean_photo(data)
    photo = Photo(interaction=interaction, width=width, height=height, size=len(content),
                  taken_at=taken_at, uploaded_by=by)  # fmt: skip
    photo.image.save(f"{secrets.token_hex(16)}.jpg", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            photo.save()
            do_record("photo.added", actor=by, obj=photo, client=interaction.client_id)
    except BaseException:
        photo.image.delete(save=False)
        raise
    # Known limit: if a transaction of the caller's rolls back after this, the file stays
    # behind without a row (harmless: no page names it).
    return photo


@receiver(post_delete, sender=Photo)
def _delete_the_file(sender, instance: Photo, **kwargs) -> None:
    """A photo deleted (its contact, its client, an anonymisation) takes its file along,
    once the deletion commits."""
    name, storage = instance.image.name, instance.image.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
