"""The one table reader and what is derived from a table alone (the drafted Table Schema).

Every csv, xls and xlsx the portal checks or publishes is read by `reader.read`, once."""

import sys

import pyarrow


class _NoPandas:
    """pyarrow looks for pandas the first time it makes an array (to accept pandas objects), which imports
    pandas: most of a second of every command's start-up, for a library the portal never uses. Its first
    look is answered “not installed”; pyarrow remembers it, and nothing else is changed."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas":
            raise ModuleNotFoundError("pandas is not used by the portal's tables", name="pandas")


if "pandas" not in sys.modules:
    sys.meta_path.insert(0, _NoPandas())
    try:
        pyarrow.array([0])
    finally:
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _NoPandas)]
