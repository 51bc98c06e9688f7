"""Bytes -> text: UTF-8 first, a plausible cp1252 guess second, nothing else.

News text arrives as UTF-8 almost always; the exceptions are old Windows exports
(cp1252, e.g. one BBC file with a lone 0xA3 pound sign). Guessing further than that
(Shift-JIS, KOI8-R...) produces confident garbage, so anything else is an error the
user sees in load_log rather than a silently mangled article.
"""
from __future__ import annotations

import codecs
import unicodedata

from quotes.model import ReadNote

SNIFF_BYTES = 64 * 1024  # how much of a file is looked at to decide binary/format

# Bytes that are never in a text file's ordinary flow (C0 controls minus
# tab, newline, vertical tab, form feed, carriage return and escape).
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class DecodeError(ValueError):
    """The bytes are neither UTF-8 nor plausible cp1252 text."""


def has_utf16_bom(data: bytes) -> bool:
    """UTF-16 text is full of NUL bytes, so it must be recognised before binary."""
    return data.startswith(_UTF16_BOMS)


def binary_reason(head: bytes) -> str | None:
    """Why `head` (the start of a file) looks binary, or None if it looks like text."""
    if has_utf16_bom(head):
        return None
    if b"\x00" in head:
        return "binary file (contains NUL bytes)"
    if not head:
        return None
    controls = sum(1 for byte in head if byte in _CONTROL_BYTES)
    if controls / len(head) > 0.05:
        return f"binary file ({controls} control bytes in the first {len(head)})"
    return None


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode article bytes; return (text, guessed_encoding_or_None).

    The second value is None when the encoding was certain (UTF-8, or a BOM said
    so); "cp1252" when the bytes were not UTF-8 and decoding them as Windows
    Latin-1 gave plausible text; MIXED when real UTF-8 carried a few stray cp1252
    bytes. Raises DecodeError when nothing plausible decodes.
    """
    if has_utf16_bom(data):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as error:
            raise DecodeError(f"not valid UTF-16 despite its byte order mark ({error.reason})") from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        utf8_error = error
    if _mostly_utf8(data):
        text = _plausible(data.decode("utf-8", errors=_CP1252_FALLBACK), max_non_ascii=1.0)
        if text is not None:
            return text, MIXED
    text = _plausible(_cp1252(data), max_non_ascii=0.3)
    if text is None:
        bad = data[utf8_error.start]
        raise DecodeError(
            f"not valid UTF-8 (byte 0x{bad:02x} at offset {utf8_error.start}) "
            "and not plausible cp1252 text"
        )
    return text, "cp1252"


def encoding_note(source: str, encoding: str) -> ReadNote:
    """The note that goes before an article whose encoding had to be guessed."""
    return ReadNote(source, f"not valid UTF-8; decoded as {encoding} (encoding guessed)")


# Scraped text is sometimes UTF-8 with a few stray Windows bytes pasted in; decoding
# the whole file as cp1252 would turn every real UTF-8 character into mojibake.
MIXED = "UTF-8 with some cp1252 bytes"
_CP1252_FALLBACK = "quotes-cp1252-fallback"


def _mostly_utf8(data: bytes) -> bool:
    """More valid UTF-8 multibyte characters than invalid sequences."""
    replaced = data.decode("utf-8", errors="replace")
    invalid = replaced.count("\ufffd")
    valid = sum(1 for char in replaced if ord(char) > 0x7F) - invalid
    return valid > invalid


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode the offending bytes as cp1252 (U+FFFD if undefined)."""
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error(_CP1252_FALLBACK, _cp1252_bytes)


def _cp1252(data: bytes) -> str | None:
    """Python's cp1252 codec rejects its five undefined bytes, so no C1 controls appear."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _plausible(text: str | None, max_non_ascii: float) -> str | None:
    """`text` if it reads like prose: no control characters, not mostly non-ASCII.

    Catches binary data or other encodings (KOI8-R, Shift-JIS) that happen to map
    onto printable cp1252 characters.
    """
    if text is None or "\ufffd" in text or any(_is_control(char) for char in text):
        return None
    non_ascii = sum(1 for char in text if ord(char) > 0x7F)
    if text and non_ascii / len(text) > max_non_ascii:
        return None
    return text


def _is_control(char: str) -> bool:
    return char not in "\t\n\r\x0b\x0c" and unicodedata.category(char) == "Cc"
