"""Files attached to claims and return requests (issue 19).

The bytes live on disk under `<data_dir>/attachments/<sha256[:2]>/<sha256>`: written to a
temporary file in the same directory tree, then renamed into place (atomic), so a reader never
sees half a file; the same content uploaded twice is stored once. The database keeps only the
description (`Attachment`: owner, name, type, size, hash).

Limits live here, in one place: at most `MAX_FILES` per upload, `MAX_FILE_BYTES` each, and only
the types `sniff` recognises from the first bytes (JPEG, PNG, PDF, plain text, XLSX, DOCX);
what the client says the type is does not count. An upload is checked whole before anything is
stored: one bad file refuses them all, and no file reaches its final place.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import ATTACHMENT_OWNERS, Attachment, utc_now
from operational_app.domain.errors import NotFound, ValidationFailed

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
# What a request carrying the largest allowed upload may weigh (files plus the form's fields and
# multipart framing): InputLimitsMiddleware lets upload routes, and only them, take this much.
MAX_UPLOAD_BODY_BYTES = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024
MAX_NAME_LENGTH = 255
_CHUNK = 64 * 1024
_SNIFF_BYTES = 8192

ALLOWED_TYPES_TEXT = "JPEG, PNG, PDF, TXT, XLSX, DOCX"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Upload:
    """A file as the client sent it: the name it gave and a readable binary stream."""

    file_name: str
    stream: BinaryIO


@dataclass
class StagedFile:
    """A checked upload waiting in a temporary file for its owner to exist."""

    file_name: str
    content_type: str
    size_bytes: int
    sha256: str
    temp_path: Path


def storage_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "attachments"


def stored_path(data_dir: Path, sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a sha256 hex digest")
    return storage_dir(data_dir) / sha256[:2] / sha256


def clean_file_name(name: str | None) -> str:
    """The name to keep: the last path component, no control characters, NFC, bounded."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(
        char for char in text if unicodedata.category(char)[0] != "C" and char not in '"<>|*?:'
    ).strip(" .")
    if len(text) > MAX_NAME_LENGTH:
        stem, dot, suffix = text.rpartition(".")
        if dot and 0 < len(suffix) <= 10:
            text = stem[: MAX_NAME_LENGTH - len(suffix) - 1] + "." + suffix
        else:
            text = text[:MAX_NAME_LENGTH]
    return text or "file"


def content_disposition(file_name: str) -> str:
    """`attachment` with an ASCII fallback name and the real one in RFC 5987 encoding (RFC 6266),
    so Cyrillic names survive in every browser and nothing can break out of the header."""
    name = clean_file_name(file_name)
    ascii_name = (
        unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").strip()
    )
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name).strip() or "file"
    if ascii_name.startswith("."):
        ascii_name = "file" + ascii_name
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _is_text(head: bytes) -> str | None:
    """The charset of plain text (UTF-8, else Windows-1251), or None for binary content."""
    if b"\x00" in head:
        return None
    if any(byte < 0x20 and byte not in (0x09, 0x0A, 0x0C, 0x0D) for byte in head):
        return None
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        # A multibyte character cut by the end of the sniffed window is still UTF-8.
        if error.start >= len(head) - 3 and len(head) == _SNIFF_BYTES:
            return "utf-8"
    try:
        head.decode("cp1251")
    except UnicodeDecodeError:
        return None
    return "windows-1251"


def _office_type(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "xl/workbook.xml" in names:
        return XLSX_TYPE
    if "word/document.xml" in names:
        return DOCX_TYPE
    return None


def sniff(head: bytes, path: Path) -> str | None:
    """The content type by the file's first bytes (and, for a zip, its directory)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return _office_type(path)
    if head:
        charset = _is_text(head)
        if charset is not None:
            return f"text/plain; charset={charset}"
    return None


def _refuse(rule: str, message: str, **params: object) -> ValidationFailed:
    return ValidationFailed(rule, message, field="attachments", params=params)


def _stage_one(data_dir: Path, upload: Upload) -> StagedFile:
    name = clean_file_name(upload.file_name)
    directory = storage_dir(data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".upload-", dir=directory)
    temp_path = Path(temp_name)
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with os.fdopen(handle, "wb") as output:
            while chunk := upload.stream.read(_CHUNK):
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise _refuse(
                        "attachment.too_large",
                        f"File {name} is larger than {MAX_FILE_BYTES // 2**20} MB.",
                        name=name,
                        limit_mb=MAX_FILE_BYTES // 2**20,
                    )
                if len(head) < _SNIFF_BYTES:
                    head += chunk[: _SNIFF_BYTES - len(head)]
                digest.update(chunk)
                output.write(chunk)
        if size == 0:
            raise _refuse("attachment.empty", f"File {name} is empty.", name=name)
        content_type = sniff(head, temp_path)
        if content_type is None:
            raise _refuse(
                "attachment.type_not_allowed",
                f"File {name}: only {ALLOWED_TYPES_TEXT} files may be attached.",
                name=name,
                allowed=ALLOWED_TYPES_TEXT,
            )
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    return StagedFile(name, content_type, size, digest.hexdigest(), temp_path)


def discard(files: Sequence[StagedFile]) -> None:
    for staged in files:
        staged.temp_path.unlink(missing_ok=True)


def stage(data_dir: Path, uploads: Sequence[Upload]) -> list[StagedFile]:
    """Check every upload and keep each in a temporary file; one refusal discards them all."""
    if len(uploads) > MAX_FILES:
        raise _refuse(
            "attachment.too_many",
            f"At most {MAX_FILES} files may be attached at once; {len(uploads)} given.",
            limit=MAX_FILES,
            count=len(uploads),
        )
    staged: list[StagedFile] = []
    try:
        for upload in uploads:
            staged.append(_stage_one(data_dir, upload))
    except BaseException:
        discard(staged)
        raise
    return staged


@contextlib.contextmanager
def staged(data_dir: Path, uploads: Sequence[Upload]) -> Iterator[list[StagedFile]]:
    """`stage` the uploads; whatever was not attached inside the block is removed after it."""
    files = stage(data_dir, uploads)
    try:
        yield files
    finally:
        discard(files)


def attach(
    session: Session,
    data_dir: Path,
    files: Sequence[StagedFile],
    *,
    owner_type: str,
    owner_id: int,
    uploaded_by_id: int | None = None,
) -> list[Attachment]:
    """Move the staged files into place (the same content is kept once) and describe them."""
    if owner_type not in ATTACHMENT_OWNERS:
        raise ValueError(f"unknown attachment owner {owner_type!r}")
    now = utc_now()
    rows = []
    for staged_file in files:
        target = stored_path(data_dir, staged_file.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            staged_file.temp_path.unlink(missing_ok=True)
        else:
            os.replace(staged_file.temp_path, target)
        row = Attachment(
            owner_type=owner_type,
            owner_id=owner_id,
            file_name=staged_file.file_name,
            content_type=staged_file.content_type,
            size_bytes=staged_file.size_bytes,
            sha256=staged_file.sha256,
            uploaded_by_id=uploaded_by_id,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def list_attachments(session: Session, owner_type: str, owner_id: int) -> list[Attachment]:
    return list(
        session.scalars(
            select(Attachment)
            .where(
                Attachment.owner_type == owner_type,
                Attachment.owner_id == owner_id,
                Attachment.deleted_at.is_(None),
            )
            .order_by(Attachment.id)
        )
    )


def get_attachment(
    session: Session, owner_type: str, owner_id: int, attachment_id: int
) -> Attachment:
    """An attachment of that owner (an operator's download from the owner's card)."""
    row = session.get(Attachment, attachment_id)
    if (
        row is None
        or row.deleted_at is not None
        or row.owner_type != owner_type
        or row.owner_id != owner_id
    ):
        raise NotFound(
            "attachment.not_found",
            f"There is no attachment {attachment_id} here.",
            params={"id": attachment_id},
        )
    return row


def file_path(data_dir: Path, attachment: Attachment) -> Path:
    path = stored_path(data_dir, attachment.sha256)
    if not path.is_file():
        raise NotFound(
            "attachment.file_missing",
            f"The file of attachment {attachment.file_name} is missing from the storage.",
            params={"name": attachment.file_name},
        )
    return path


def download_headers(attachment: Attachment) -> dict[str, str]:
    return {
        "Content-Disposition": content_disposition(attachment.file_name),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
