"""What lets a visitor find, preview and understand a dataset without downloading it (Article 7.2a):
the search index, table chunks, charts, document previews, data dictionaries and version history."""
