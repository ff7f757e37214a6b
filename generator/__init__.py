"""Open data portal generator: catalog/ + data/ in git -> a static site."""

__version__ = "0.1.0"
