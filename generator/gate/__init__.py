"""The validation gate (Articles 3.3, 7.1, 8.1, 9.1): every check a dataset passes before it is
published, one module per kind of check, the run that applies them (`run`) and the report (`report`)."""
