"""Where things are published: one place that knows every output path and URL."""

from __future__ import annotations

from urllib.parse import quote

from ..model import Dataset, Resource


def dataset_page(dataset_id: str) -> str:
    return f"datasets/{dataset_id}/"


def dataset_json(dataset_id: str) -> str:
    return f"api/v1/datasets/{dataset_id}.json"


def resource_file(dataset: Dataset, resource: Resource) -> str:
    """Site-relative path of a published file: datasets/<id>/files/<path in the folder>."""
    return f"datasets/{dataset.id}/files/{resource.path}"


def resource_href(dataset: Dataset, resource: Resource) -> str:
    return quote(resource_file(dataset, resource))


def agency_page(agency_id: str) -> str:
    return f"agencies/{agency_id}/"


def topic_page(topic_id: str) -> str:
    return f"topics/{topic_id}/"


CATALOG_JSON = "api/v1/catalog.json"
MANIFEST = "manifest.json"
