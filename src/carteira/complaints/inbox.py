"""Complaints that arrive by e-mail: ``carteira complaints inbox --folder DIR`` reads the
messages saved in a folder (``*.eml``, or a Maildir's ``new/``: what fetchmail, getmail
or the mail server's delivery to a mailbox leave there) and opens one complaint per
message whose sender is a known contact of a client (the address, ignoring case; blocked
or anonymised contacts are not matched). The subject and the plain-text body are the
description, the attached files go through the same checks as the web form's.

A message opened moves to ``processed/``; one refused (a file too large or of a refused
type, an unknown category) moves to ``refused/`` with a ``.txt`` saying why, so nothing
is half-saved and nothing is read twice; one from an unknown sender stays where it is
(someone registers the contact, the next run opens it)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from email.utils import parseaddr
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from carteira.clients.models import Contact
from carteira.complaints.services import ComplaintError, do_open_from_client

DESCRIPTION_CHARS = 5000


@dataclass
class Inbox:
    opened: int = 0
    unknown: list[str] = field(default_factory=list)  # senders with no contact
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file, why)


def messages_in(folder: Path) -> list[Path]:
    folder = folder / "new" if (folder / "new").is_dir() else folder
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def _contact(address: str) -> Contact | None:
    return (
        Contact.objects.filter(
            email__iexact=address, blocked_at__isnull=True, anonymized_at__isnull=True
        )
        .select_related("client")
        .order_by("pk")
        .first()
    )


def _file(part) -> SimpleUploadedFile:
    content = part.get_content()
    data = content.encode() if isinstance(content, str) else bytes(content or b"")
    return SimpleUploadedFile(part.get_filename() or "anexo", data)


def _move(path: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    os.replace(path, target)
    return target


def do_read_inbox(folder: Path, *, category: str) -> Inbox:
    result = Inbox()
    for path in messages_in(folder):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        name, address = parseaddr(str(message.get("From", "")))
        contact = _contact(address) if address else None
        if contact is None:
            result.unknown.append(address or path.name)
            continue
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        description = "\n\n".join(filter(None, [str(message.get("Subject", "")), text.strip()]))
        files = [_file(part) for part in message.iter_attachments()]
        try:
            do_open_from_client(
                contact.client, reporter=name or contact.name, reporter_email=address,
                category=category, description=description[:DESCRIPTION_CHARS] or "—",
                attachments=files, channel="email",
            )  # fmt: skip
        except ComplaintError as error:
            moved = _move(path, folder / "refused")
            moved.with_suffix(moved.suffix + ".txt").write_text(str(error) + "\n", "utf-8")
            result.refused.append((path.name, str(error)))
            continue
        _move(path, folder / "processed")
        result.opened += 1
    return result
