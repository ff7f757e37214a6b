"""The `opendata` verbs, one module each: each parses nothing and prints everything; `generator.cli`
holds the argument parser and dispatches to `run(args)`."""
