"""Finding references: discovery, the extractors and identify (raw text -> ModelId)."""
