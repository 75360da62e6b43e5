"""Audio and video need a transcript (and a video its captions), and every file must be what its
name says by its content (WCAG 1.2; a renamed file is a broken player for the learner)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from elearning.authoring import load_course
from elearning.course.media import sniff

EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "buurthuis"
MODULE = "modules/ochtend.yaml"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    folder = tmp_path / "buurthuis"
    shutil.copytree(EXAMPLE, folder)
    return folder


def errors(folder: Path) -> list[str]:
    _, problems = load_course(folder)
    return [str(p).replace(f"{folder}/", "") for p in problems if p.level == "error"]


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / MODULE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_example_media_are_what_their_names_say(course: Path) -> None:
    assert errors(course) == []
    assert sniff((course / "media" / "deurbel.wav").read_bytes()[:64]) == "WAV"
    assert sniff((course / "media" / "buurthuis.webm").read_bytes()[:64]) == "WebM"


def test_a_video_whose_content_is_an_image_is_an_error(course: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    (course / "media" / "film.mp4").write_bytes(png)
    edit(course, "src: media/buurthuis.webm", "src: media/film.mp4")
    assert errors(course) == [
        "modules/ochtend.yaml:32:12: error: the video 'media/film.mp4' is not what its name says: a .mp4 file holds "
        "MP4, but this file is a PNG image",
    ]


def test_a_webm_renamed_to_mp4_is_an_error_too(course: Path) -> None:
    shutil.copy(course / "media" / "buurthuis.webm", course / "media" / "film.mp4")
    edit(course, "src: media/buurthuis.webm", "src: media/film.mp4")
    assert errors(course) == [
        "modules/ochtend.yaml:32:12: error: the video 'media/film.mp4' is not what its name says: a .mp4 file holds "
        "MP4, but this file is WebM audio or video",
    ]


def test_a_video_without_a_transcript_is_an_error(course: Path) -> None:
    edit(course, "      transcript: media/prikbord.md\n", "")
    assert errors(course) == [
        "modules/ochtend.yaml:31:7: error: the video in scene 'prikbord' has no 'transcript'; learners who cannot "
        "hear or see it need a transcript (a text file with what is said and heard)",
    ]


def test_a_video_without_captions_is_an_error(course: Path) -> None:
    edit(course, "      captions: media/prikbord.vtt\n", "")
    assert errors(course) == [
        "modules/ochtend.yaml:31:7: error: the video in scene 'prikbord' has no 'captions'; learners who cannot "
        "hear or see it need captions (a WebVTT .vtt file)",
    ]


def test_audio_without_a_transcript_is_an_error(course: Path) -> None:
    edit(course, "      transcript: media/deurbel.txt\n", "")
    assert errors(course) == [
        "modules/ochtend.yaml:13:7: error: the audio in scene 'binnen' has no 'transcript'; learners who cannot "
        "hear or see it need a transcript (a text file with what is said and heard)",
    ]


def test_missing_files_captions_that_are_not_webvtt_and_a_transcript_that_is_not_text(course: Path) -> None:
    (course / "media" / "prikbord.vtt").write_text("1\n00:00:00,000 --> 00:00:03,000\nGeen geluid\n", encoding="utf-8")
    (course / "media" / "deurbel.txt").write_bytes(b"PK\x03\x04" + bytes(range(128, 256)))
    edit(course, "src: media/deurbel.wav", "src: media/deurbell.wav")
    assert errors(course) == [
        "modules/ochtend.yaml:14:12: error: the audio 'media/deurbell.wav' does not exist in the course folder "
        "(did you mean 'media/deurbel.wav'?)",
        "modules/ochtend.yaml:15:19: error: the transcript 'media/deurbel.txt' is not UTF-8 text (it is a ZIP archive "
        "(a Word or other office file, perhaps)); save it as UTF-8 text",
        "modules/ochtend.yaml:33:17: error: the captions file 'media/prikbord.vtt' is not WebVTT: its first line "
        "must be WEBVTT",
    ]


def test_a_type_not_every_browser_plays_and_a_path_outside_the_course(course: Path) -> None:
    (course / "media" / "deurbel.aiff").write_bytes(b"FORM\x00\x00\x00\x00AIFF")
    edit(course, "src: media/deurbel.wav", "src: media/deurbel.aiff")
    edit(course, "transcript: media/prikbord.md", "transcript: ../prikbord.md")
    assert errors(course) == [
        "modules/ochtend.yaml:14:12: error: the audio 'media/deurbel.aiff' has a type not every browser plays; "
        "use one of .flac, .m4a, .mp3, .oga, .ogg, .wav",
        "modules/ochtend.yaml:34:19: error: the transcript '../prikbord.md' must be a path inside the course "
        "folder, such as media/fragment.txt",
    ]


@pytest.mark.parametrize(("head", "kind"), [
    (b"ID3\x04\x00", "MP3"), (b"\xff\xfb\x90\x64", "MP3"), (b"\x00\x00\x00\x20ftypisom", "MP4"),
    (b"OggS\x00\x02", "Ogg"), (b"RIFF\x24\x00\x00\x00WAVEfmt ", "WAV"), (b"fLaC\x00", "FLAC"),
    (b"\x1a\x45\xdf\xa3\x9f", "WebM"), (b"\x89PNG", None), (b"<svg", None), (b"", None),
])
def test_sniffing_by_the_first_bytes(head: bytes, kind: str | None) -> None:
    assert sniff(head) == kind


def test_media_live_in_the_media_folder(course: Path) -> None:
    (course / "teksten").mkdir()
    shutil.copy(course / "media" / "prikbord.md", course / "teksten" / "prikbord.md")
    edit(course, "transcript: media/prikbord.md", "transcript: teksten/prikbord.md")
    assert errors(course) == [
        "modules/ochtend.yaml:34:19: error: the transcript 'teksten/prikbord.md' must be in the course's media "
        "folder, such as media/fragment.txt",
    ]
