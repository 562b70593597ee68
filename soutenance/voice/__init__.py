"""Answers spoken out loud: recording, playback, delivery figures, transcripts and what they cover.

The core of issue 16, without Textual or rich. Importing this package is free: numpy, soundfile,
sounddevice and the recognisers load only in the submodules that need them, and PortAudio only
when a microphone or a loudspeaker is opened. docs/voice.md lists what the screens call.
"""
