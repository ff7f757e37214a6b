"""Where things are published: one place that knows every output path and URL."""

from __future__ import annotations

from urllib.parse import quote

from generator.portal.model import Dataset, Resource
from generator.portal import units


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


def report_page(year: int, agency_id: str | None = None) -> str:
    """The yearly report: reports/<year>/ for the province, reports/<year>/<agency>/ for one agency."""
    return f"reports/{year}/{agency_id}/" if agency_id else f"reports/{year}/"


def report_json(year: int, agency_id: str | None = None) -> str:
    return f"reports/{year}/{agency_id}.json" if agency_id else f"reports/{year}/report.json"


REPORTS_PAGE = "reports/"
CATALOG_JSON = "api/v1/catalog.json"
# Administrative units: the look-up page (each unit's URI is this page at "#<generation>/<code>") and the
# lists it searches, written by the build from catalog/units.
UNITS_PAGE = units.PAGE
UNITS_DATA = "don-vi/units.js"
MANIFEST = "manifest.json"


# Public site: previews, dictionaries, search, feeds.

def preview_page(dataset_id: str, resource_name: str) -> str:
    """The page that shows one resource in the browser (table viewer or document)."""
    return f"datasets/{dataset_id}/preview/{resource_name}/"


def preview_dir(dataset_id: str, resource_name: str) -> str:
    """Where a table's JSON chunks are published: beside its preview page."""
    return f"datasets/{dataset_id}/preview/{resource_name}"


def dictionary_csv(dataset_id: str, resource_name: str) -> str:
    """A table's data dictionary (its Table Schema as a spreadsheet-friendly CSV)."""
    return f"datasets/{dataset_id}/dictionary/{resource_name}.csv"


def feedback_href(dataset: Dataset, agency_email: str, portal_name: str) -> str:
    """A mail to the agency about a dataset: the feedback link without the function (no `function_url`
    in catalog/portal.yaml), and the fallback of its form for visitors without JavaScript."""
    subject = quote(f"Góp ý về bộ dữ liệu {dataset.id} ({portal_name})")
    return f"mailto:{agency_email}?subject={subject}"


# API accounts (Article 6.2): the function's registration form, or a mail to the operator.
API_ACCESS_PAGE = "dang-ky-api/"
API_ACCESS_PAGE_SOURCE = "dang-ky-api.md"
LOOKUP_PAGE = "tra-cuu/"  # the SMS/Zalo commands (the function's help answer links here)
LOOKUP_PAGE_SOURCE = "tra-cuu.md"


def api_request_href(operator_email: str, portal_name: str) -> str:
    """A mail asking the operator for an API account, with the details Article 6.2b asks for."""
    subject = quote(f"Đề nghị cấp tài khoản API ({portal_name})")
    body = quote("Họ và tên (full name):\nĐịa chỉ (address):\nThư điện tử (email):\n"
                 "Số điện thoại (phone):\nTổ chức, nếu có (organisation, optional):\n\n"
                 "Tôi đồng ý với điều khoản sử dụng của cổng. "
                 "(I accept the portal's terms of use.)\n")
    return f"mailto:{operator_email}?subject={subject}&body={body}"


SEARCH_PAGE = "datasets/"
SEARCH_INDEX = "search/index.js"
FEED = "feed.xml"


def dataset_feed(dataset_id: str) -> str:
    """Atom: each change to the dataset's files (follow one dataset)."""
    return f"datasets/{dataset_id}/feed.xml"


def agency_feed(agency_id: str) -> str:
    """Atom: the agency's new and updated datasets."""
    return f"agencies/{agency_id}/feed.xml"

SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"  # points crawlers at the sitemap


# Downloads and harvesting standards.

def converted_file(dataset_id: str, resource_name: str, fmt: str) -> str:
    """A table converted to csv, json or xlsx: datasets/<id>/converted/<resource>.<fmt>; the CSV for Excel
    (csv-excel) is <resource>.excel.csv."""
    extension = "excel.csv" if fmt == "csv-excel" else fmt
    return f"datasets/{dataset_id}/converted/{resource_name}.{extension}"


def conversions_record(dataset_id: str) -> str:
    """What was converted for a dataset: per table its rows, files, hashes and neutralised cells."""
    return f"datasets/{dataset_id}/conversions.json"


def dataset_zip(dataset_id: str) -> str:
    """The whole dataset as a zipped Data Package."""
    return f"datasets/{dataset_id}/{dataset_id}.zip"


DCAT_CATALOG_JSONLD = "dcat/catalog.jsonld"
DCAT_CATALOG_TTL = "dcat/catalog.ttl"


def dcat_catalog_page(number: int, ext: str) -> str:
    """Page `number` of the DCAT-AP catalogue (Hydra-paged): the first is dcat/catalog.ttl, then dcat/catalog/<n>.ttl."""
    if number == 1:
        return DCAT_CATALOG_TTL if ext == "ttl" else DCAT_CATALOG_JSONLD
    return f"dcat/catalog/{number}.{ext}"


def dcat_dataset(dataset_id: str, ext: str) -> str:
    """One dataset's DCAT-AP description: dcat/datasets/<id>.ttl or .jsonld."""
    return f"dcat/datasets/{dataset_id}.{ext}"


DATA_JSON = "data.json"
CKAN_ACTION = "api/3/action/"


def ckan_action(action: str) -> str:
    """A CKAN action answered by a static file: api/3/action/<action> (no extension, what clients call)."""
    return f"{CKAN_ACTION}{action}"


def ckan_package_show(dataset_id: str) -> str:
    """package_show?id=<id> as a static file (a static host cannot answer a query string)."""
    return f"{CKAN_ACTION}package_show/{dataset_id}.json"


def ckan_show(action: str, name: str) -> str:
    """organization_show / group_show?id=<name> as a static file."""
    return f"{CKAN_ACTION}{action}/{name}.json"


def dataset_descriptor(dataset_id: str) -> str:
    """The Data Package descriptor beside the published files, so its relative paths resolve."""
    return f"datasets/{dataset_id}/files/datapackage.json"
