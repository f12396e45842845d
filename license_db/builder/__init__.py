"""The parts of the bundled-database build; ``license_db.build`` is its entry point and front.

Modules, each importing only those listed before it:

- ``report``: the build report (errors fail the build, notes go into the manifest);
- ``inputs``: input paths and readers (facts folder, curated.toml, the extension files);
- ``license_tables``: license terms read by hand from the facts' text;
- ``licenses``: license terms records (licenses.json);
- ``apis``: hosted API names and generated API licenses (api_models.json);
- ``models``: model-to-license rows and legacy-id aliases (models.json, aliases.json);
- ``rules``: curated family / Ollama / package / modality rules (rules.json);
- ``output``: the JSON text of each file and manifest.json;
- ``pipeline``: ``build()``, every input to every output's text.
"""
