"""The bundled, offline model-license database."""
