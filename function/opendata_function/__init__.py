"""The portal's function: API accounts and keys, the keyed query API, feedback (Articles 6.2, 7.2d, 12.4)."""

__version__ = "0.1.0"
