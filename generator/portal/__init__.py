"""The portal as loaded from catalog/ and data/: the model (plain objects, no I/O) and its loaders,
with safe YAML reading and times from git."""
