"""The downloads and harvesting outputs of a portal, written into a folder for the tests.

For now this runs the issue-5 writers after the steps of the build they need
(load, measure, copy); once the build calls them, the fixtures can use the
real `opendata build` output instead.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import generator.build.pipeline
from generator.portal.model import Portfolio
from generator.publish.harvest import ckan, datajson, dcat, json_api
from generator.publish.downloads import conversions, datapackage_zip, records as downloads, files


@dataclass
class Published:
    portfolio: Portfolio
    site: Path
    conversions: list[conversions.Conversion]
    downloads: downloads.Downloads
    dcat: dcat.Published  # the DCAT-AP triples written
    data_json: dict


def publish(root: Path, site: Path) -> Published:
    portfolio, _ = generator.build.pipeline.load(root)
    files.measure(portfolio)
    files.copy(portfolio, site)
    json_api.write(portfolio, site)
    made = conversions.write(portfolio, site)
    zips = datapackage_zip.write(portfolio, site)
    extra = downloads.merge(conversions.downloads(made), zips)
    periods = conversions.periods(made)
    triples = dcat.write(portfolio, site, extra, periods)
    document = datajson.write(portfolio, site, extra, periods)
    ckan.write(portfolio, site, extra, periods)
    return Published(portfolio, site, made, extra, triples, document)


if __name__ == "__main__":  # python tests/standards_site.py <root> <site>: one run in a fresh interpreter
    publish(Path(sys.argv[1]), Path(sys.argv[2]))
