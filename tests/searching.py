"""Run theme/assets/search.js under node on a portfolio's index: the code the browser runs."""

from __future__ import annotations

import json
import subprocess

from conftest import ROOT

from generator.publish.discovery import search_index

NODE = r"""
const { Index } = require(process.argv[1]);
const index = new Index(JSON.parse(require("fs").readFileSync(0, "utf8")));
const out = [];
for (const [q, opts] of JSON.parse(process.argv[2])) out.push(index.search(q, opts).hits.map(i => index.data.docs.id[i]));
console.log(JSON.stringify(out));
"""


def run(portfolio, queries: list) -> list[list[str]]:
    """The ids found for each [query, options], best first."""
    data = search_index.dumps(search_index.build(portfolio))
    result = subprocess.run(["node", "-e", NODE, str(ROOT / "theme/assets/search.js"), json.dumps(queries)],
                            input=data, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)
