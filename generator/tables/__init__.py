"""The one table reader and what is derived from a table alone (the drafted Table Schema).

Every csv, xls and xlsx the portal checks or publishes is read by `reader.read`, once."""
