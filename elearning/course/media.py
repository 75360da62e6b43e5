"""Audio, video, captions and transcripts: is a file what its name says, by its content?

A file's name can lie (a photo renamed to .mp4, a Word file saved as .vtt); browsers then
show a broken player, and a deaf or blind learner misses the fragment. The first bytes of a
file say what it is (its "magic number"), so the validator reads them.
"""

from __future__ import annotations

from pathlib import Path

# suffix -> the container its content must be
AUDIO = {".mp3": "MP3", ".m4a": "MP4", ".ogg": "Ogg", ".oga": "Ogg", ".wav": "WAV", ".flac": "FLAC"}
VIDEO = {".mp4": "MP4", ".m4v": "MP4", ".webm": "WebM", ".ogv": "Ogg"}
TRANSCRIPT = (".txt", ".md")
CAPTIONS = (".vtt",)
MAX_TEXT_BYTES = 1_000_000
_HEAD = 64

# what else a file may turn out to be, to say so in the message
_OTHER = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (a Word or other office file, perhaps)"),
    (b"<svg", "an SVG image"),
    (b"<?xml", "an XML file"),
)


def sniff(head: bytes) -> str | None:
    """The audio or video container of a file by its first bytes: MP3, MP4, Ogg, WAV, FLAC, WebM."""
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "MP3"
    if head[4:8] == b"ftyp":
        return "MP4"
    if head.startswith(b"OggS"):
        return "Ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "WAV"
    if head.startswith(b"fLaC"):
        return "FLAC"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "WebM"
    return None


def _looks_like(head: bytes) -> str:
    found = sniff(head)
    if found:
        return f"{found} audio or video"
    for magic, name in _OTHER:
        if head.lstrip().startswith(magic):
            return name
    return "not a known audio or video format"


def check_media(path: Path, src: str, what: str) -> str | None:
    """Why the file at path (named src in the course) is not a usable `what`: 'audio',
    'video', 'transcript' or 'captions'; None when it is."""
    suffix = Path(src).suffix.lower()
    try:
        with path.open("rb") as file:
            head = file.read(_HEAD)
            size = path.stat().st_size
    except OSError as exc:
        return f"cannot read the {what} '{src}': {exc.strerror}"
    if what in ("audio", "video"):
        kinds = AUDIO if what == "audio" else VIDEO
        expected = kinds.get(suffix)
        if expected is None:
            return (f"the {what} '{src}' has a type not every browser plays; use one of "
                    f"{', '.join(sorted(kinds))}")
        if sniff(head) != expected:
            return (f"the {what} '{src}' is not what its name says: a {suffix} file holds {expected}, "
                    f"but this file is {_looks_like(head)}")
        return None
    allowed = TRANSCRIPT if what == "transcript" else CAPTIONS
    name = "transcript" if what == "transcript" else "captions file"
    if suffix not in allowed:
        return f"the {name} '{src}' must be a {' or '.join(allowed)} file"
    if size > MAX_TEXT_BYTES:
        return f"the {name} '{src}' is {size:,} bytes; at most {MAX_TEXT_BYTES:,} bytes"
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return f"the {name} '{src}' is not UTF-8 text (it is {_looks_like(head)}); save it as UTF-8 text"
    if "\x00" in text:
        return f"the {name} '{src}' is not text (it is {_looks_like(head)})"
    if what == "captions" and not text.startswith("WEBVTT"):
        return f"the captions file '{src}' is not WebVTT: its first line must be WEBVTT"
    if not text.strip():
        return f"the {name} '{src}' is empty"
    return None
