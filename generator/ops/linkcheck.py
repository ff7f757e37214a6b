"""`opendata report links`: the weekly check of every outside address the portal publishes.

API resources, licence and source addresses in the descriptors, the licences
list and agencies' websites: each is asked once (HEAD, then GET where HEAD is
refused), a few at a time, with a time limit. The Markdown names each broken
address, what it answered and every file and key that uses it; exit 1 when
one is broken, so the scheduled workflow opens an issue only then.

Each run also records its answers in local/linkcheck.json (the workflow keeps
it in its cache); the build reads the last record for the quality scores'
"reachable" criteria and never asks the network itself.
"""

from __future__ import annotations

import json
import socket
import ssl
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.portal.catalog import load_catalog
from generator.portal.datasets import load_datasets
from generator.problems import Problems

USER_AGENT = "opendata-portal-linkcheck/1 (+https://github.com/)"
WORKERS = 8
RETRY_WITH_GET = {403, 405, 501}  # servers that refuse HEAD but serve GET
RECORD = "local/linkcheck.json"  # relative to the portal root


@dataclass
class Link:
    url: str
    used_in: list[str] = field(default_factory=list)  # "file: key"
    status: int | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400


def collect(root: Path) -> dict[str, Link]:
    """Every http(s) address in catalog/ and the datasets' descriptors, with where it is used."""
    catalog = load_catalog(root)
    links: dict[str, Link] = {}

    def add(url: object, where: str) -> None:
        if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
            links.setdefault(url, Link(url)).used_in.append(where)

    for agency in catalog.agencies.values():
        add(agency.website, f"catalog/agencies.yaml: {agency.id}.website")
    for licence in catalog.licences.values():
        add(licence.url, f"catalog/licences.yaml: {licence.id}.url")
    for d in load_datasets(root, catalog, Problems()):
        rel = d.descriptor_file
        for r in d.resources:
            if r.is_api:
                add(r.path, f"{rel}: resources “{r.name}”")
        for i, item in enumerate(d.descriptor.get("licenses") or []):
            if isinstance(item, dict):
                add(item.get("path"), f"{rel}: licenses[{i + 1}].path")
        for i, item in enumerate(d.sources):
            add(item.get("path"), f"{rel}: sources[{i + 1}].path")
        add(d.descriptor.get("homepage"), f"{rel}: homepage")
    return links


def check(links: dict[str, Link], timeout: float = 10.0) -> None:
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(lambda link: _ask(link, timeout), links.values()))


def _ask(link: Link, timeout: float) -> None:
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(link.url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # follows redirects
                link.status, link.error = response.status, ""
                return
        except urllib.error.HTTPError as exc:
            link.status, link.error = exc.code, exc.reason if isinstance(exc.reason, str) else ""
            if method == "HEAD" and exc.code in RETRY_WITH_GET:
                continue
            return
        except urllib.error.URLError as exc:
            reason = exc.reason
            link.status = None
            if isinstance(reason, socket.gaierror):
                link.error = "không phân giải được tên miền (host name not found)"
            elif isinstance(reason, ssl.SSLError):
                link.error = f"lỗi chứng chỉ TLS (TLS error: {reason})"
            elif isinstance(reason, (TimeoutError, socket.timeout)):
                link.error = f"quá {timeout:g} giây không trả lời (no answer in {timeout:g} s)"
            elif isinstance(reason, ConnectionRefusedError):
                link.error = "máy chủ từ chối kết nối (connection refused)"
            else:
                link.error = str(reason)
            return
        except (TimeoutError, socket.timeout):
            link.status, link.error = None, f"quá {timeout:g} giây không trả lời (no answer in {timeout:g} s)"
            return
        except (OSError, ValueError) as exc:
            link.status, link.error = None, f"{type(exc).__name__}: {exc}"
            return


def to_markdown(links: dict[str, Link]) -> str:
    broken = sorted((link for link in links.values() if not link.ok), key=lambda link: link.url)
    out = ["## Kiểm tra liên kết (link check)", "",
           f"{len(links)} địa chỉ đã kiểm tra, {len(broken)} hỏng ({len(links)} addresses checked, {len(broken)} broken).",
           ""]
    if broken:
        out += ["| địa chỉ (address) | trả lời (answer) | dùng tại (used in) |", "| --- | --- | --- |"]
        for link in broken:
            answer = f"HTTP {link.status}" + (f" {link.error}" if link.error else "") if link.status else link.error
            out.append(f"| {_cell(link.url)} | {_cell(answer)} | {'<br>'.join(_cell(u) for u in link.used_in)} |")
        out += ["", "Cơ quan có tên trong cột “dùng tại” sửa địa chỉ trong tệp của mình (pull request), hoặc báo "
                "đơn vị vận hành API. *The agency that uses the address fixes it in its file, or its API.*"]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace("@", "@\u200b")


@dataclass(frozen=True)
class LastCheck:
    """The last recorded link check: when it ran and what each address answered."""

    checked: str  # ISO time of the run
    answers: dict[str, tuple[int | None, str]]  # url -> (HTTP status or None, error)

    def reachable(self, url: str) -> bool | None:
        """True/False from the record; None when the address was not checked."""
        if url not in self.answers:
            return None
        status = self.answers[url][0]
        return status is not None and status < 400


def record(links: dict[str, Link], path: Path, checked: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    answers = {url: {"status": link.status, "error": link.error} for url, link in sorted(links.items())}
    path.write_text(json.dumps({"checked": checked, "answers": answers}, ensure_ascii=False, indent=1,
                               sort_keys=True) + "\n", encoding="utf-8")


def last_check(root: Path) -> LastCheck | None:
    """The record the last `opendata report links` left in the portal (None: never run, or unreadable)."""
    path = root / RECORD
    try:
        data = json.loads(path.read_text("utf-8"))
        answers = {str(url): (a.get("status"), str(a.get("error") or "")) for url, a in data["answers"].items()}
        return LastCheck(str(data["checked"]), answers)
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return None
