"""The pure rules under the Telefooncentrale directory: extensions, destinations, WAV greetings."""

from __future__ import annotations

import contextlib
import io
import struct
import wave

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbx.domain import audio, numbering
from pbx.domain.destination import Destination, DestinationKind, EntryKind, entry_key, kind_of_key


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1", numbering.ExtensionProblem.FORMAT),
        ("12345", numbering.ExtensionProblem.FORMAT),
        ("١٢٣", numbering.ExtensionProblem.FORMAT),
        ("20a", numbering.ExtensionProblem.FORMAT),
        ("999", numbering.ExtensionProblem.VOICEMAIL),
        ("112", numbering.ExtensionProblem.EMERGENCY),
        ("911", numbering.ExtensionProblem.EMERGENCY),
        ("012", numbering.ExtensionProblem.OUTSIDE_LINE),
        ("20", None),
        ("201", None),
        ("9998", None),
    ],
)
def test_it_knows_which_extensions_may_exist(value, problem):
    assert numbering.extension_problem(value) == problem


@given(st.text(max_size=6))
def test_it_accepts_only_two_to_four_ascii_digits(value):
    if numbering.extension_problem(value) is None:
        assert value.isascii() and value.isdigit() and 2 <= len(value) <= 4


def test_it_writes_destinations_into_the_document_by_reference_not_by_digits():
    assert Destination(DestinationKind.ENTRY, EntryKind.HUNT_GROUP, 3).to_document() == {
        "type": "hunt_group",
        "key": "g3",
    }
    assert Destination(DestinationKind.VOICEMAIL).to_document() == {"type": "voicemail"}
    assert Destination(DestinationKind.EXTERNAL, number="+31612345678").to_document() == {
        "type": "external",
        "number": "+31612345678",
    }
    assert Destination(DestinationKind.NONE).to_document() is None
    assert [kind_of_key(entry_key(kind, 12)) for kind in EntryKind] == list(EntryKind)
    assert kind_of_key("x12") is None and kind_of_key("u") is None


def _wav(*, fmt: int = 1, frames: int = 800, rate: int = 8000) -> bytes:
    if fmt == 1:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(b"\0\0" * frames)
        return buffer.getvalue()
    # A hand-made header with another format tag (3: IEEE float, 85: MP3).
    body = b"\0" * (frames * 4)
    chunk = struct.pack("<HHIIHH", fmt, 1, rate, rate * 4, 4, 32)
    data = (
        b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(chunk))
        + chunk
        + b"data"
        + struct.pack("<I", len(body))
        + body
    )
    return b"RIFF" + struct.pack("<I", len(data)) + data


def test_it_reads_a_pcm_wav_and_its_duration():
    info = audio.inspect_wav(audio.tone_wav(2.5))
    assert (info.channels, info.sample_rate, round(info.duration, 2)) == (1, 8000, 2.5)
    assert len(info.sha256) == 64


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", audio.AudioProblem.EMPTY),
        (b"Dit is een tekstbestand met de naam begroeting.wav\n", audio.AudioProblem.NOT_WAV),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb" * 200, audio.AudioProblem.NOT_WAV),
        (_wav(fmt=85), audio.AudioProblem.NOT_PCM),
        (_wav(frames=0), audio.AudioProblem.NO_SOUND),
        (_wav()[:60], audio.AudioProblem.UNREADABLE),
        (b"RIFF\x00\x00\x00\x00WAVEjunk", audio.AudioProblem.UNREADABLE),
    ],
)
def test_it_refuses_what_is_not_a_playable_wav(data, problem):
    with pytest.raises(audio.AudioError) as refused:
        audio.inspect_wav(data)
    assert refused.value.problem == problem


def test_it_refuses_a_greeting_over_five_megabytes_or_three_minutes():
    with pytest.raises(audio.AudioError) as big:
        audio.inspect_wav(b"RIFF" + b"\0" * (6 * 1024 * 1024))
    assert big.value.problem == audio.AudioProblem.TOO_LARGE
    with pytest.raises(audio.AudioError) as long:
        audio.inspect_wav(_wav(frames=8000 * 181))
    assert long.value.problem == audio.AudioProblem.TOO_LONG


@given(st.binary(max_size=300))
def test_it_never_fails_other_than_with_an_audio_error(data):
    with contextlib.suppress(audio.AudioError):
        audio.inspect_wav(b"RIFF" + data[:4] + b"WAVE" + data[4:])
