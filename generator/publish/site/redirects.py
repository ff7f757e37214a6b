"""Published URLs stay valid when a dataset is renamed: the old address leads to the new one.

A dataset's URL is its folder name (an ASCII slug). Renaming the folder (and
its `name`), or moving it to another agency under a new name, is a rename in
git; `old_ids` finds every such rename in the history of data/ and `write`
publishes, for each old id that is not a dataset today:

    site/datasets/<old-id>/index.html       meta refresh + canonical link + a plain link to the new page
                                            (relative, so it works under any base URL and offline)
    site/api/v1/datasets/<old-id>.json      {"moved_to": <new JSON URL>, "id": <new id>, "url": <new page>}:
                                            a static host cannot answer a JSON request with a redirect,
                                            so clients get where the data went instead of a 404

Renames are followed through chains (a -> b -> c: a leads to c). An old id
whose dataset was later withdrawn gets nothing (there is nothing to lead to).
Rename detection is git's (-M): the folder's files must stay similar enough
(a data file moved unchanged always is).
"""

from __future__ import annotations

import html
import subprocess
from collections import Counter
from pathlib import Path

from generator.portal.catalog import ID_PATTERN
from generator.portal.model import Portfolio
from generator.publish import urls
from generator.publish.harvest.json_api import write_json


def _renames_by_commit(root: Path) -> list[list[tuple[str, str, str]]]:
    """Per commit, oldest first: (old path, new path, status) of every rename under data/."""
    try:
        out = subprocess.run(["git", "-c", "core.quotepath=off", "log", "--reverse", "-M", "--name-status",
                              "--relative", "--format=%x00", "--", "data"],
                             cwd=root, capture_output=True, text=True, encoding="utf-8", check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []  # not in git: nothing was ever renamed
    commits = []
    for block in out.split("\x00")[1:]:
        renames = []
        for line in block.splitlines():
            parts = line.split("\t")
            if len(parts) == 3 and parts[0].startswith("R"):
                renames.append((parts[1], parts[2], parts[0]))
        commits.append(renames)
    return commits


def _dataset_id(path: str) -> str | None:
    parts = path.split("/")
    return parts[2] if len(parts) >= 4 and parts[0] == "data" else None


def old_ids(root: Path, current: set[str] | None = None) -> dict[str, str]:
    """Old dataset id -> the id it goes by today, from the renames in git history.

    `current`: today's dataset ids (default: the folders under data/); only
    renames that lead to one of them, from ids that are not one of them, count.
    """
    if current is None:
        current = {p.name for p in (root / "data").glob("*/*") if p.is_dir()}
    moved: dict[str, str] = {}
    for renames in _renames_by_commit(root):
        # A folder's files may be renamed to several places: the descriptor decides, else most files.
        votes: dict[str, Counter] = {}
        decided: dict[str, str] = {}
        for old_path, new_path, _ in renames:
            old, new = _dataset_id(old_path), _dataset_id(new_path)
            if not old or not new or old == new:
                continue
            votes.setdefault(old, Counter())[new] += 1
            if old_path.endswith("/datapackage.yaml") and new_path.endswith("/datapackage.yaml"):
                decided[old] = new
        for old, counter in votes.items():
            new = decided.get(old) or counter.most_common(1)[0][0]
            for key, target in list(moved.items()):
                if target == old:
                    moved[key] = new
            moved[old] = new
    return {old: new for old, new in sorted(moved.items())
            if old != new and old not in current and new in current and ID_PATTERN.match(old)}


def redirect_html(old: str, new: str, title: str, base_url: str) -> str:
    target = f"../{new}/"  # relative: works under any base URL, on `opendata serve` and from a copy on disk
    canonical = html.escape(base_url + urls.dataset_page(new))
    name = html.escape(title)
    return (
        "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>Đã chuyển: {name}</title>\n"
        f"<link rel=\"canonical\" href=\"{canonical}\">\n"
        "<meta name=\"robots\" content=\"noindex\">\n"
        f"<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n"
        "</head>\n<body>\n"
        f"<p>Bộ dữ liệu “{html.escape(old)}” đã đổi địa chỉ: <a href=\"{target}\">{name}</a>.</p>\n"
        f"<p lang=\"en\">This dataset has moved: <a href=\"{target}\">{name}</a>.</p>\n"
        "</body>\n</html>\n"
    )


def write(p: Portfolio, site: Path, moved: dict[str, str], pages: Path | None = None) -> list[str]:
    """Publish a redirect for every old id into `site`; return the old ids written. `pages`: where the
    published pages are (default `site`), never hidden by a redirect."""
    base = p.catalog.portal.base_url
    titles = {d.id: d.title for d in p.datasets}
    written = []
    for old, new in sorted(moved.items()):
        page = site / urls.dataset_page(old) / "index.html"
        if new not in titles or old in titles or ((pages or site) / urls.dataset_page(old) / "index.html").exists():
            continue  # never hide a published page
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(redirect_html(old, new, titles[new], base), encoding="utf-8")
        write_json(site / urls.dataset_json(old), {
            "moved_to": base + urls.dataset_json(new), "id": new, "url": base + urls.dataset_page(new)})
        written.append(old)
    return written
