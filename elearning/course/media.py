"""Audio, video, captions and transcripts: is a file what its name says, by its content?

A file's name can lie (a photo renamed to .mp4, a Word file saved as .vtt); browsers then
show a broken player, and a deaf or blind learner misses the fragment. The first bytes of a
file say what it is (its "magic number"), so the validator reads them.
"""

from __future__ import annotations

from pathlib import Path

from elearning.course.problems import Text, text
from elearning.i18n import N_

# suffix -> the container its content must be
AUDIO = {".mp3": "MP3", ".m4a": "MP4", ".ogg": "Ogg", ".oga": "Ogg", ".wav": "WAV", ".flac": "FLAC"}
VIDEO = {".mp4": "MP4", ".m4v": "MP4", ".webm": "WebM", ".ogv": "Ogg"}
TRANSCRIPT = (".txt", ".md")
CAPTIONS = (".vtt",)
MAX_TEXT_BYTES = 1_000_000
_HEAD = 64

# what else a file may turn out to be, to say so in the message
_OTHER = (
    (b"\x89PNG", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF8", N_("a GIF image")),
    (b"%PDF", N_("a PDF document")),
    (b"PK\x03\x04", N_("a ZIP archive (a Word or other office file, perhaps)")),
    (b"<svg", N_("an SVG image")),
    (b"<?xml", N_("an XML file")),
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


def _looks_like(head: bytes) -> Text:
    found = sniff(head)
    if found:
        return text(N_("{kind} audio or video"), kind=found)
    for magic, name in _OTHER:
        if head.lstrip().startswith(magic):
            return text(name)
    return text(N_("not a known audio or video format"))


# what a file is for -> how a message names it
_THE = {"audio": N_("the audio"), "video": N_("the video"), "transcript": N_("the transcript"),
        "captions": N_("the captions file")}


def check_media(path: Path, src: str, what: str) -> Text | None:
    """Why the file at path (named src in the course) is not a usable `what`: 'audio',
    'video', 'transcript' or 'captions'; None when it is."""
    suffix = Path(src).suffix.lower()
    the = text(_THE[what])
    try:
        with path.open("rb") as file:
            head = file.read(_HEAD)
            size = path.stat().st_size
    except OSError as exc:
        return text(N_("cannot read {the_what} '{src}': {reason}"), the_what=the, src=src, reason=exc.strerror)
    if what in ("audio", "video"):
        kinds = AUDIO if what == "audio" else VIDEO
        expected = kinds.get(suffix)
        if expected is None:
            return text(N_("{the_what} '{src}' has a type not every browser plays; use one of {kinds}"),
                        the_what=the, src=src, kinds=", ".join(sorted(kinds)))
        if sniff(head) != expected:
            return text(N_("{the_what} '{src}' is not what its name says: a {suffix} file holds {expected}, "
                           "but this file is {found}"),
                        the_what=the, src=src, suffix=suffix, expected=expected, found=_looks_like(head))
        return None
    allowed = TRANSCRIPT if what == "transcript" else CAPTIONS
    if suffix not in allowed:
        return text(N_("{the_what} '{src}' must be a {kinds} file"), the_what=the, src=src,
                    kinds=" or ".join(allowed) if len(allowed) < 2 else text(N_("{one} or {other}"), one=allowed[0], other=allowed[1]))
    if size > MAX_TEXT_BYTES:
        return text(N_("{the_what} '{src}' is {size} bytes; at most {most} bytes"), the_what=the, src=src,
                    size=f"{size:,}", most=f"{MAX_TEXT_BYTES:,}")
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return text(N_("{the_what} '{src}' is not UTF-8 text (it is {found}); save it as UTF-8 text"),
                    the_what=the, src=src, found=_looks_like(head))
    if "\x00" in content:
        return text(N_("{the_what} '{src}' is not text (it is {found})"), the_what=the, src=src, found=_looks_like(head))
    if what == "captions" and not content.startswith("WEBVTT"):
        return text(N_("the captions file '{src}' is not WebVTT: its first line must be WEBVTT"), src=src)
    if not content.strip():
        return text(N_("{the_what} '{src}' is empty"), the_what=the, src=src)
    return None
