"""Files attached to a complaint: bounded in size and number, accepted by what their
bytes are (never by the name or the type the browser claims), stored in the workspace's
media storage (``MEDIA_ROOT/complaints/YYYY/MM/<random>.<ext>``: CARTEIRA_MEDIA_DIR, which
the hosts of a cluster share) and served only through the complaints gate.

Accepted: PDF, JPEG, PNG, WebP, and Word/Excel documents (.docx, .xlsx). A refused file
raises ``AttachmentRefused`` with a pt-BR message, before anything is written."""

from __future__ import annotations

import os
import secrets
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.accounts.models import User
from carteira.audit.services import do_record
from carteira.complaints.models import Complaint, ComplaintAttachment

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_PER_COMPLAINT = 10
NAME_CHARS = 200
# What the browser's file picker offers (the bytes are what decide).
ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp,.docx,.xlsx"


class AttachmentRefused(ValueError):
    """A file refused; the message is for the user (translated)."""


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str


PDF = Kind("pdf", "application/pdf")
JPEG = Kind("jpg", "image/jpeg")
PNG = Kind("png", "image/png")
WEBP = Kind("webp", "image/webp")
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def max_bytes() -> int:
    return int(getattr(settings, "CARTEIRA_COMPLAINT_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}" if size % (1024 * 1024) == 0 else f"{size / 1e6:.1f}"


def _office(uploaded) -> Kind | None:
    """A .docx or .xlsx: a zip whose directory names the Office parts (only the central
    directory is read, nothing is decompressed)."""
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def sniff(uploaded) -> Kind | None:
    """What the file is, from its first bytes (None: not a type we keep)."""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _office(uploaded)
    return None


def clean_name(name: str, kind: Kind) -> str:
    """The uploaded name without folders or control characters, ending in the extension
    of what the file really is."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    stem = os.path.splitext(base)[0].strip() or _("attachment")
    return f"{stem[: NAME_CHARS - len(kind.extension) - 1]}.{kind.extension}"


def check_attachments(files, *, already: int = 0) -> list[Kind]:
    """Each file's kind; ``AttachmentRefused`` naming the first file refused: too many,
    empty, over the size limit or of a type not kept."""
    files = list(files)
    if already + len(files) > MAX_PER_COMPLAINT:
        raise AttachmentRefused(
            _("A complaint keeps at most %(count)d attachments.") % {"count": MAX_PER_COMPLAINT}
        )
    kinds = []
    for uploaded in files:
        name = os.path.basename(uploaded.name or "")
        if not uploaded.size:
            raise AttachmentRefused(_("The file %(name)s is empty.") % {"name": name})
        if uploaded.size > max_bytes():
            raise AttachmentRefused(
                _("The file %(name)s is larger than %(mb)s MB.")
                % {"name": name, "mb": _megabytes(max_bytes())}
            )
        kind = sniff(uploaded)
        if kind is None:
            raise AttachmentRefused(
                _(
                    "The file %(name)s is not of an accepted type "
                    "(PDF, JPEG, PNG, WebP, Word .docx or Excel .xlsx)."
                )
                % {"name": name}
            )
        kinds.append(kind)
    return kinds


def store_attachments(
    complaint: Complaint, files, kinds: list[Kind], *, by: User | None
) -> list[ComplaintAttachment]:
    """Keep checked files (``check_attachments``) of ``complaint``: call it last in the
    transaction that writes the complaint, inside ``kept_or_deleted``."""
    stored: list[ComplaintAttachment] = []
    now = timezone.now()
    for uploaded, kind in zip(files, kinds, strict=True):
        uploaded.seek(0)
        attachment = ComplaintAttachment(
            complaint=complaint,
            key=secrets.token_hex(16),
            name=clean_name(uploaded.name, kind),
            content_type=kind.content_type,
            size=uploaded.size,
            uploaded_by=by,
            uploaded_at=now,
        )
        attachment.file.save(f"{attachment.key}.{kind.extension}", File(uploaded), save=False)
        _written.get().append(attachment.file.name)
        attachment.save()
        stored.append(attachment)
    return stored


_written: ContextVar[list[str]] = ContextVar("complaint_files_written")


@contextmanager
def kept_or_deleted() -> Iterator[None]:
    """A transaction whose attachment files stay only if it commits: a refusal or an
    error after a file was written deletes the files written (nothing half-saved)."""
    token = _written.set([])
    try:
        with transaction.atomic():
            yield
    except BaseException:
        storage = ComplaintAttachment._meta.get_field("file").storage
        for name in _written.get():
            storage.delete(name)
        raise
    finally:
        _written.reset(token)


def do_attach(complaint: Complaint, files, *, by: User) -> list[ComplaintAttachment]:
    """Add files to a complaint the caller reached through the gate."""
    files = list(files)
    kinds = check_attachments(files, already=complaint.attachments.count())
    with kept_or_deleted():
        stored = store_attachments(complaint, files, kinds, by=by)
        do_record("complaint.attached", actor=by, obj=complaint, files=len(stored))
    return stored


@receiver(post_delete, sender=ComplaintAttachment)
def _delete_the_file(sender, instance: ComplaintAttachment, **kwargs) -> None:
    """An attachment deleted (its complaint, its client) takes its file along, once the
    deletion commits."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
