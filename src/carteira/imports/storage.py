"""Uploaded files in the workspace: ``MEDIA_ROOT/imports/<sha256>``, checked before kept."""

from __future__ import annotations

import hashlib
import itertools
import os
import uuid
from pathlib import Path

from django.conf import settings

from carteira.imports.limits import import_limits
from carteira_core.ingest import FileInfo, IngestError, RawRow, open_import, open_table

PREVIEW_ROWS = 5


def imports_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(sha256: str) -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256")
    return imports_dir() / sha256


def store_upload(uploaded, *, kind: str, name: str) -> tuple[str, FileInfo]:
    """Hash and keep an uploaded file; raise ``IngestError`` (and keep nothing) when the
    file is refused: hostile, unreadable, or a header that cannot be mapped at all."""
    folder = imports_dir()
    temporary = folder / f".upload-{uuid.uuid4().hex}"
    digest = hashlib.sha256()
    try:
        with open(temporary, "wb") as out:
            for chunk in uploaded.chunks():
                digest.update(chunk)
                out.write(chunk)
        info = sniff_file(temporary, name=name)
        target = folder / digest.hexdigest()
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return digest.hexdigest(), info


def sniff_file(path: Path, *, name: str) -> FileInfo:
    with open_table(path, name=name, limits=import_limits()) as table:
        info = table.info
        next(iter(table), None)  # the first row too: a broken body fails here, not later
    return info


def preview_rows(path: Path, *, name: str) -> tuple[FileInfo, list[RawRow]]:
    """What was detected, and the first rows as read."""
    with open_table(path, name=name, limits=import_limits()) as table:
        return table.info, list(itertools.islice(table, PREVIEW_ROWS))


def check_header(kind: str, path: Path, *, name: str, mapping) -> None:
    """Raise ``IngestError('invalid_header')`` when the mapping leaves the header unusable."""
    with open_import(kind, path, name=name, mapping=mapping, limits=import_limits()):
        pass


__all__ = ["IngestError", "check_header", "preview_rows", "store_upload", "stored_path"]
