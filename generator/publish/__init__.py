"""Outputs of a build: `site` (the pages), `discovery` (search, previews), `downloads` (files),
harvesting standards, and `urls`, the one place that knows every output path."""
