import whisperx
import typer

app = typer.Typer()


@app.command()
def align(audio: str, model_name: str = typer.Option("medium.en", help="whisper size")):
    model = whisperx.load_model(model_name, "cuda")
    return model.transcribe(audio)
