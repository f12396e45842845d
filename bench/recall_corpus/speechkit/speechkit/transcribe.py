"""Batch transcription with faster-whisper."""

import click
from faster_whisper import WhisperModel


@click.command()
@click.option("--size", default="large-v3", show_default=True)
@click.option("--device", default="cuda")
def main(size, device):
    model = WhisperModel(size, device=device, compute_type="float16")
    segments, _ = model.transcribe("audio.wav")
    return list(segments)


def tiny_model():
    return WhisperModel("distil-large-v3", device="cpu")
