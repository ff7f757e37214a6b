"""Tests of the portal function (function/): run on SQLite and PostgreSQL."""
