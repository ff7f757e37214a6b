"""The validation gate's checks, one module per kind of check (files, encoding, tables, personal data, ...)."""
