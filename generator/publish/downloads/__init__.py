"""What visitors download: the published originals, the table conversions (CSV, JSON, XLSX), the
zipped Data Package, and the manifest that lists every published file with its sha256."""
