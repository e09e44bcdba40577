"""Greetings are WAV files: checked by their content, never by name or browser type.

Pure (standard library `wave`): the portal checks uploads with it and the PBX simulator checks
what it receives. Problems are codes; the portal says them in Dutch.
"""

from __future__ import annotations

import hashlib
import io
import wave
from dataclasses import dataclass
from enum import StrEnum

MAX_BYTES = 5 * 1024 * 1024
MAX_SECONDS = 180


class AudioProblem(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_WAV = "not_wav"  # no RIFF/WAVE header: a text file, an MP3 renamed .wav, ...
    NOT_PCM = "not_pcm"  # a WAV with compressed or floating-point samples the PBX cannot play
    UNREADABLE = "unreadable"  # a WAV header that does not add up
    NO_SOUND = "no_sound"  # a valid header with no samples
    TOO_LONG = "too_long"


class AudioError(ValueError):
    def __init__(self, problem: AudioProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class WavInfo:
    sha256: str
    size: int
    channels: int
    sample_rate: int
    sample_width: int
    frames: int

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate


def inspect_wav(data: bytes, *, max_bytes: int = MAX_BYTES, max_seconds: int = MAX_SECONDS) -> WavInfo:
    """Reads a WAV file's header and checks it; raises AudioError with what is wrong."""
    if not data:
        raise AudioError(AudioProblem.EMPTY)
    if len(data) > max_bytes:
        raise AudioError(AudioProblem.TOO_LARGE)
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioError(AudioProblem.NOT_WAV)
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            channels, width, rate, frames = (
                wav.getnchannels(),
                wav.getsampwidth(),
                wav.getframerate(),
                wav.getnframes(),
            )
    except wave.Error as exc:
        # The standard library reads only PCM ("unknown format: 85" for an MP3 inside a WAV).
        raise AudioError(
            AudioProblem.NOT_PCM if "unknown format" in str(exc) else AudioProblem.UNREADABLE
        ) from exc
    except Exception as exc:  # EOFError, struct.error, RuntimeError …: a header that does not add up
        raise AudioError(AudioProblem.UNREADABLE) from exc
    if channels < 1 or rate < 1 or width not in (1, 2, 3, 4):
        raise AudioError(AudioProblem.UNREADABLE)
    if frames == 0:
        raise AudioError(AudioProblem.NO_SOUND)
    # The header must not promise more samples than the file holds.
    if frames * channels * width > len(data):
        raise AudioError(AudioProblem.UNREADABLE)
    if frames / rate > max_seconds:
        raise AudioError(AudioProblem.TOO_LONG)
    return WavInfo(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        channels=channels,
        sample_rate=rate,
        sample_width=width,
        frames=frames,
    )


def tone_wav(seconds: float = 1.0, *, frequency: float = 440.0, rate: int = 8000) -> bytes:
    """A short sine tone as a WAV file: demo greetings and tests, without shipping binaries."""
    import math
    import struct

    frames = int(seconds * rate)
    samples = b"".join(
        struct.pack("<h", int(12000 * math.sin(2 * math.pi * frequency * i / rate))) for i in range(frames)
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples)
    return buffer.getvalue()
