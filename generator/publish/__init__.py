"""Outputs of a build, one module per target (pages, JSON API, files, manifest, MkDocs)."""
