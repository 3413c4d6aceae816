"""Reading input files: compressed or not, one JSON document or JSON lines, text lines.

JSON is decoded by msgspec into typed structs: types are checked in C while decoding,
no dict is built per record, and integers of any size stay exact ``int`` (orjson turns
integers beyond 64 bits into floats, and a float cannot hold a platform id above 2^53).
JSON lines are decoded a chunk of lines at a time (``Decoder.decode_lines``), so a
million-line file never sits in memory whole; only a chunk that fails is decoded again
line by line, to name each bad line.
"""

from __future__ import annotations

import gzip
import lzma
import re
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import msgspec
import numpy as np

from detector.errors import Issue
from importers.problems import InputError, Problems

#: Bytes read at a time from a JSON-lines file (the chunk ends at the last full line).
CHUNK = 16 << 20
_GZIP, _XZ = b"\x1f\x8b", b"\xfd7zXZ\x00"
NEWLINE = b"\n"
_BYTE = re.compile(r"\s*\(byte (\d+)\)")
_EXPECTED = re.compile(r"Expected `(.+?)`, got `(.+?)`(?: - at `\$(.*)`)?")


#: What reading a cut-short or damaged gzip or xz file raises.
BROKEN_ARCHIVE = (EOFError, gzip.BadGzipFile, lzma.LZMAError, zlib.error)


@contextmanager
def archives_checked(paths: Iterable[str | Path] = ()) -> Iterator[None]:
    """A broken archive met inside is an ``InputError`` (Python raises ``EOFError`` for
    a gzip file cut short, which click would report as a bare "Aborted!"), naming the
    first of ``paths`` that cannot be decompressed when one is given."""
    try:
        yield
    except BROKEN_ARCHIVE as exc:
        where = next((str(p) for p in paths if not _decompresses(p)), "")
        raise InputError([Issue(where, f"cannot be decompressed (a .gz or .xz file cut "
                                       f"short or damaged): {exc}")]) from None


def _decompresses(path: str | Path) -> bool:
    try:
        with open_binary(path) as fh:
            while fh.read(1 << 20):
                pass
    except BROKEN_ARCHIVE:
        return False
    return True


@dataclass
class Values:
    """Decoded JSON values and the line each starts on."""

    values: list
    lines: np.ndarray


def open_binary(path: str | Path) -> IO[bytes]:
    """The file's bytes, decompressed when it is gzip or xz (judged by its first bytes)."""
    with open(path, "rb") as fh:
        magic = fh.read(6)
    if magic.startswith(_GZIP):
        return gzip.open(path, "rb")
    if magic.startswith(_XZ):
        return lzma.open(path, "rb")
    return open(path, "rb")


def read_bytes(path: str | Path) -> bytes:
    with open_binary(path) as fh:
        return fh.read()


def json_values(path: str | Path, decoder: msgspec.json.Decoder,
                problems: Problems) -> Iterator[Values]:
    """The JSON values of a file: one document (which may span many lines) or JSON lines.

    A file whose first non-blank line is a complete JSON value is read as JSON lines;
    blank lines are skipped. Each malformed or mistyped line is an error naming the file
    and line; the values of the good lines are still given, so that one run reports
    every bad line (``problems.check()`` then refuses the import).
    """
    name = str(path)
    with open_binary(path) as fh:
        head = fh.read(CHUNK)
        while b"\n" not in head.lstrip() and (more := fh.read(CHUNK)):
            head += more
        stripped = head.lstrip()
        first_line = stripped.split(b"\n", 1)[0]
        if not stripped:
            return
        if not _complete(first_line):
            yield from _document(head + fh.read(), name, decoder, problems)
            return
        # Whole lines go to the decoder; the partial line at a block's end waits for the
        # next block. One copy per block (into the bytearray).
        pending, line, block = bytearray(), 1, head
        while block:
            cut = block.rfind(NEWLINE) + 1
            if cut:
                pending += memoryview(block)[:cut]
                values, count = _chunk(pending, line, name, decoder, problems)
                yield values
                line += count
                pending = bytearray(memoryview(block)[cut:])
            else:
                pending += block
            block = fh.read(CHUNK)
        if pending.strip():
            yield _chunk(pending, line, name, decoder, problems)[0]


def _complete(line: bytes) -> bool:
    try:
        msgspec.json.decode(line)
    except msgspec.DecodeError:
        return False
    return True


def _document(data: bytes, name: str, decoder: msgspec.json.Decoder,
              problems: Problems) -> Iterator[Values]:
    start = len(data) - len(data.lstrip())
    try:
        value = decoder.decode(data)
    except msgspec.DecodeError as exc:
        text = str(exc)
        found = _BYTE.search(text)
        at = int(found.group(1)) if found else start
        problems.error(f"{name}:{data.count(NEWLINE, 0, at) + 1}", message(exc))
        return
    yield Values([value], np.array([data.count(NEWLINE, 0, start) + 1], dtype=np.int64))


def _chunk(chunk: bytes | bytearray, first: int, name: str, decoder: msgspec.json.Decoder,
           problems: Problems) -> tuple[Values, int]:
    """The values of whole lines starting at line ``first``, and how many lines."""
    try:
        values = decoder.decode_lines(chunk)
    except msgspec.DecodeError:
        values = None
    count = chunk.count(NEWLINE) + (0 if chunk.endswith(NEWLINE) else 1)
    if values is not None and len(values) == count:  # no blank line: the common case
        return Values(values, np.arange(first, first + count, dtype=np.int64)), count
    lines = chunk.split(NEWLINE)
    if chunk.endswith(NEWLINE):
        lines.pop()
    good, numbers = [], []
    for i, text in enumerate(lines):
        if not text.strip():
            continue
        if values is None:
            try:
                good.append(decoder.decode(text))
            except msgspec.DecodeError as exc:
                problems.error(f"{name}:{first + i}", message(exc))
                continue
        numbers.append(first + i)
    return Values(values if values is not None else good,
                  np.array(numbers, dtype=np.int64)), count


def message(exc: Exception) -> str:
    """msgspec's message in the words of our errors: ``followers_count: expected int |
    null, got str`` or ``not valid JSON: trailing comma in object (column 19)``."""
    text = str(exc)
    found = _EXPECTED.fullmatch(text)
    if found:
        expected, got, path = found.groups()
        where = f"{path.lstrip('.')}: " if path else ""
        return f"{where}expected {expected}, got {got}"
    text = _BYTE.sub(lambda m: f" (column {int(m.group(1)) + 1})", text)
    text = text.removeprefix("JSON is malformed: ")
    return "not valid JSON: " + text[:1].lower() + text[1:]


def text_lines(path: str | Path) -> tuple[list[str], np.ndarray]:
    """The non-blank lines of a text file, stripped, with their line numbers."""
    lines = read_bytes(path).decode("utf-8", errors="replace").splitlines()
    kept = [i for i, text in enumerate(lines) if text.strip()]
    return [lines[i].strip() for i in kept], np.array(kept, dtype=np.int64) + 1


def kind_of(path: str | Path) -> str:
    """``"json"`` when the file's first non-blank byte opens a JSON value, else ``"text"``."""
    with open_binary(path) as fh:
        head = fh.read(4096).lstrip()
    return "json" if head[:1] in (b"{", b"[") else "text"


def decoder(kind: Any) -> msgspec.json.Decoder:
    return msgspec.json.Decoder(kind)
