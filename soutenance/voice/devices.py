"""PortAudio through sounddevice, imported only when a microphone or a loudspeaker is opened.

sounddevice raises OSError at import when the PortAudio library is missing (it is not bundled
on Linux): that, a missing package, no device and a busy device each become one VoiceProblem.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from soutenance.voice import problems
from soutenance.voice.problems import VoiceProblem, VoiceUnavailable

PA_INVALID_DEVICE = -9996
PA_DEVICE_UNAVAILABLE = -9985
PA_NO_DEVICE = -1


def sounddevice() -> ModuleType:
    """The sounddevice module, or VoiceUnavailable saying which library is missing."""
    try:
        import sounddevice as module
    except OSError as error:  # the package is there, libportaudio is not
        raise VoiceUnavailable(
            VoiceProblem(problems.PORTAUDIO_MISSING, detail=str(error))
        ) from error
    except ImportError as error:
        raise VoiceUnavailable(
            VoiceProblem(problems.SOUNDDEVICE_MISSING, detail=str(error))
        ) from error
    return module


def portaudio_problem(message: str, code: int | None, *, output: bool = False) -> VoiceProblem:
    """The problem a PortAudio error stands for, from its text and its error code."""
    lowered = message.lower()
    if code == PA_DEVICE_UNAVAILABLE or "unavailable" in lowered or "busy" in lowered:
        key = problems.OUTPUT_ERROR if output else problems.MICROPHONE_BUSY
    elif code == PA_INVALID_DEVICE or "querying device -1" in lowered or "no default" in lowered:
        key = problems.NO_OUTPUT if output else problems.NO_MICROPHONE
    else:
        key = problems.OUTPUT_ERROR if output else problems.MICROPHONE_ERROR
    return VoiceProblem(key, {"detail": message}, detail=message)


def problem_of(error: Exception, *, output: bool = False) -> VoiceProblem:
    """A PortAudioError (args: message, code, host error) or the ValueError sounddevice raises for
    a device it cannot find."""
    args = error.args
    message = str(args[0]) if args else str(error)
    code = args[1] if len(args) > 1 and isinstance(args[1], int) else None
    if isinstance(error, ValueError):
        code = PA_INVALID_DEVICE
    return portaudio_problem(message, code, output=output)


def default_device(kind: str) -> dict:
    """The default input or output device's description, or VoiceUnavailable."""
    module = sounddevice()
    try:
        return dict(module.query_devices(kind=kind))
    except (module.PortAudioError, ValueError) as error:
        raise VoiceUnavailable(problem_of(error, output=kind == "output")) from error


def microphone_problem() -> VoiceProblem | None:
    """None when a default microphone is there; else why not. Opens nothing."""
    try:
        default_device("input")
    except VoiceUnavailable as unavailable:
        return unavailable.problem
    return None


def started(make: Callable[[], Any], *, output: bool = False) -> Any:
    """A sounddevice stream made by `make` and started, or VoiceUnavailable (busy, gone...)."""
    module = sounddevice()
    try:
        stream = make()
        stream.start()
    except (module.PortAudioError, ValueError) as error:
        raise VoiceUnavailable(problem_of(error, output=output)) from error
    return stream


def closed(stream: Any) -> None:
    """Stop and close a stream from `started`; None is fine."""
    if stream is not None:
        stream.stop()
        stream.close()
