"""Evidence files a unit uploads with its self-assessment: what they are, read from their content,
and where they are kept.

Only PDFs, PNG and JPEG images and office documents are kept. The type is decided by the bytes
(magic numbers, the parts inside an office zip, the stream names of an old OLE2 document), never
by the file's name or the browser's content type: a renamed program or web page is refused,
whatever it is called. Files go to the private evidence storage (settings.EVIDENCE_ROOT) under a
random name; staff.views.self_assessment serves them only to staff who may see the unit.
"""

import hashlib
import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PureWindowsPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_noop

from files.problems import Message, register
from scoring.models import Participant
from scoring.points import StoredFile
from scoring.storage import evidence_storage

register(
    # Translators: %(name)s is the uploaded file's name, %(limit)s a size in MB.
    evidence_too_large=gettext_noop("%(name)s is larger than %(limit)s MB"),
    evidence_empty=gettext_noop("%(name)s is empty"),
    # Translators: %(limit)s is a size in MB.
    evidence_over_quota=gettext_noop(
        "%(name)s would take the unit's evidence over its %(limit)s MB: remove or replace "
        "files it no longer needs first"
    ),
    evidence_wrong_type=gettext_noop(
        "%(name)s is not a PDF, a PNG or JPEG image or an office document (Word, Excel, "
        "PowerPoint, OpenDocument); the file's content was checked, not its name"
    ),
)


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str


PDF = FileKind("application/pdf", ".pdf")
PNG = FileKind("image/png", ".png")
JPEG = FileKind("image/jpeg", ".jpg")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
PPTX = FileKind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"
)
DOC = FileKind("application/msword", ".doc")
XLS = FileKind("application/vnd.ms-excel", ".xls")
PPT = FileKind("application/vnd.ms-powerpoint", ".ppt")
ODT = FileKind("application/vnd.oasis.opendocument.text", ".odt")
ODS = FileKind("application/vnd.oasis.opendocument.spreadsheet", ".ods")
ODP = FileKind("application/vnd.oasis.opendocument.presentation", ".odp")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An OOXML package says what its main part is in [Content_Types].xml; the macro-enabled
# variants (docm, xlsm, pptm) have other main types and are refused with everything else.
_OOXML = (
    ("word/", b"wordprocessingml.document.main+xml", DOCX),
    ("xl/", b"spreadsheetml.sheet.main+xml", XLSX),
    ("ppt/", b"presentationml.presentation.main+xml", PPTX),
)
_OPENDOCUMENT = {kind.content_type.encode(): kind for kind in (ODT, ODS, ODP)}
# Directory entries of an OLE2 file name its streams in UTF-16: the main stream tells a Word,
# Excel or PowerPoint document from other OLE2 files (installers, Outlook messages).
_OLE2_STREAMS = (
    ("WordDocument", DOC),
    ("Workbook", XLS),
    ("Book", XLS),
    ("PowerPoint Document", PPT),
)
# [Content_Types].xml and mimetype are a few KB; a larger one is not an office file.
_SMALL_PART = 1024 * 1024
_NAME_LIMIT = 255


def detect(content: bytes) -> FileKind | None:
    """The kind of file these bytes are, or None when it is none the portal keeps."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(_OLE2):
        return next((kind for name, kind in _OLE2_STREAMS if _names_stream(content, name)), None)
    if content.startswith(b"PK\x03\x04"):
        return _zipped(content)
    return None


def _names_stream(content: bytes, name: str) -> bool:
    # Directory entry names are NUL-terminated UTF-16LE; the terminator keeps "Book" from
    # matching inside another name.
    return (name.encode("utf-16-le") + b"\x00\x00") in content


def _zipped(content: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = {info.filename: info for info in archive.infolist()}
            types = parts.get("[Content_Types].xml")
            if types is not None and types.file_size <= _SMALL_PART:
                declared = archive.read(types)
                for folder, main, kind in _OOXML:
                    has_part = any(name.startswith(folder) for name in parts)
                    if has_part and main in declared:
                        return kind
                return None
            mimetype = parts.get("mimetype")
            if mimetype is not None and mimetype.file_size <= _SMALL_PART:
                return _OPENDOCUMENT.get(archive.read(mimetype).strip())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return None
    return None


def clean_name(name: str) -> str:
    """The file name as the unit gave it, without any folder, control characters or path tricks;
    Vietnamese letters stay."""
    base = PureWindowsPath(name or "").name  # handles both / and \
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r'[<>:"/\\|?*]', "_", base).strip(" .")
    if len(base) > _NAME_LIMIT:
        stem, dot, extension = base.rpartition(".")
        keep = _NAME_LIMIT - len(dot + extension)
        base = stem[:keep] + dot + extension if dot and keep > 0 else base[:_NAME_LIMIT]
    return base or "evidence"


def evidence_problem(upload, participant: Participant | None = None) -> Message | None:
    """Why an uploaded file cannot be kept as evidence, or None. Reads the size first, so an
    oversized file is refused without being read; with the participant, a file that would take
    its unit's stored evidence over EVIDENCE_UNIT_QUOTA_BYTES is refused too."""
    name = clean_name(upload.name)
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        return Message("evidence_too_large", {"name": name, "limit": _megabytes(limit)})
    if upload.size == 0:
        return Message("evidence_empty", {"name": name})
    quota = settings.EVIDENCE_UNIT_QUOTA_BYTES
    if participant is not None and stored_bytes(participant) + upload.size > quota:
        return Message("evidence_over_quota", {"name": name, "limit": _megabytes(quota)})
    if detect(_read(upload)) is None:
        return Message("evidence_wrong_type", {"name": name})
    return None


def store_evidence(upload, participant: Participant) -> StoredFile:
    """Keep an accepted upload (see evidence_problem) under a random name in a folder of its
    edition and unit; the name the unit gave it and its detected type go with it."""
    content = _read(upload)
    kind = detect(content)
    if kind is None:
        raise ValueError("store_evidence takes only files evidence_problem accepted")
    stored = evidence_storage.save(
        f"{_folder(participant)}/{secrets.token_hex(16)}{kind.extension}", ContentFile(content)
    )
    return StoredFile(
        name=stored,
        original_name=clean_name(upload.name),
        content_type=kind.content_type,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def discard(evidence: StoredFile) -> None:
    """Remove a stored file no score took (the save it came with was refused)."""
    evidence_storage.delete(evidence.name)


def store_all(uploads: list, participant: Participant) -> tuple[list[StoredFile], list[Message]]:
    """Every upload checked and stored, one after another (each measured against the quota with
    those before it), or none stored: (the stored files, []) or ([], the problems)."""
    stored: list[StoredFile] = []
    problems: list[Message] = []
    for upload in uploads:
        problem = evidence_problem(upload, participant)
        if problem:
            problems.append(problem)
        else:
            stored.append(store_evidence(upload, participant))
    if problems:
        discard_all(stored)
        return [], problems
    return stored, []


def discard_all(files: list[StoredFile]) -> None:
    for evidence in files:
        discard(evidence)


def _read(upload) -> bytes:
    upload.seek(0)
    content = upload.read(settings.EVIDENCE_MAX_BYTES + 1)
    upload.seek(0)
    return content


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _folder(participant: Participant) -> str:
    edition = participant.edition
    return f"{edition.year}-{edition.level}/{participant.unit.code}"


def stored_bytes(participant: Participant) -> int:
    """The bytes of every file in the unit's evidence folder of the edition: kept or replaced
    alike, as they all take room until clean_evidence removes them."""
    folder = _folder(participant)
    try:
        _folders, files = evidence_storage.listdir(folder)
    except FileNotFoundError:
        return 0
    return sum(evidence_storage.size(f"{folder}/{name}") for name in files)


def referenced_names() -> set[str]:
    """Every stored name something points at: a score's current files, a reply's, and each
    file the audit trail names as an old or new value (a removed file is kept while its history
    shows it)."""
    from scoring.models import EvidenceFile, ScoreChange

    names = set(EvidenceFile.objects.values_list("file", flat=True))
    for old, new in ScoreChange.objects.filter(column="evidence_file").values_list(
        "old_value", "new_value"
    ):
        # A value is "<name> sha256=<digest>" (scoring.points); the name has no spaces.
        names.update(value.split(" ", 1)[0] for value in (old, new) if value)
    return names


# A file is stored just before the save that references it is written: one younger than this may
# belong to a save under way, and is left to it. A save takes seconds; an hour is ample.
IN_FLIGHT = timedelta(hours=1)


def unreferenced_files(older_than: timedelta) -> list[tuple[str, int]]:
    """(name, bytes) of each stored file nothing references and older than `older_than` (a
    younger one may belong to a save still under way: IN_FLIGHT)."""
    referenced = referenced_names()
    cutoff = timezone.now() - older_than
    found = []
    for name in _walk(""):
        if name in referenced:
            continue
        if evidence_storage.get_modified_time(name) < cutoff:
            found.append((name, evidence_storage.size(name)))
    return sorted(found)


def _walk(folder: str):
    try:
        folders, files = evidence_storage.listdir(folder)
    except FileNotFoundError:
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for name in sorted(folders):
        yield from _walk(prefix + name)
