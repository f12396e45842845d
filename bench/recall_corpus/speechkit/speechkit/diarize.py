from pyannote.audio import Pipeline


def diarization(token):
    return Pipeline.from_pretrained("pyannote/speaker-diarization-3.1", use_auth_token=token)
