"""Open data portal generator: catalog/ + data/ in git -> a static site."""

from pathlib import Path

__version__ = "0.1.0"

# The package's own files (templates/, standards/, locale/) are found from here, wherever a module sits.
PACKAGE_DIR = Path(__file__).resolve().parent
