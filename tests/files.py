"""Real files for the import tests: workbooks written by openpyxl, then edited at the XML or
zip level where a case needs what Excel, LibreOffice or a malicious hand would have saved."""

import io
import struct
import zipfile

from openpyxl import Workbook


def workbook(*sheets: tuple[str, list[list]]) -> bytes:
    """An .xlsx written by openpyxl: one sheet per (title, rows), in order."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_sheet_xml(data: bytes, old: bytes, new: bytes) -> bytes:
    """The workbook with one edit to the XML of its first sheet (what Excel would have saved)."""
    members = zip_members(data)
    sheet = members["xl/worksheets/sheet1.xml"]
    assert old in sheet
    members["xl/worksheets/sheet1.xml"] = sheet.replace(old, new, 1)
    return zipped(members)


ZIP_FIELDS = {"flags": (6, 8, "<H"), "file_size": (22, 24, "<I")}


def forge(data: bytes, member: str, field: str, value: int) -> bytes:
    """Overwrite what a zip claims about one member, as a hand-made malicious file can."""
    local, central, fmt = ZIP_FIELDS[field]
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    forged = bytearray(data)
    struct.pack_into(fmt, forged, info.header_offset + local, value)
    entry = forged.find(b"PK\x01\x02")
    while entry != -1:
        length = struct.unpack_from("<H", forged, entry + 28)[0]
        if forged[entry + 46 : entry + 46 + length] == member.encode():
            struct.pack_into(fmt, forged, entry + central, value)
            return bytes(forged)
        entry = forged.find(b"PK\x01\x02", entry + 4)
    raise AssertionError(f"{member} not in the central directory")
