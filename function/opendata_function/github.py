"""Open an issue in the data repository for a feedback (only when a token is configured).

Plain urllib against a configurable API base URL: GitHub, GitHub Enterprise, or a fake on loopback in tests.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


class GitHubError(Exception):
    pass


def open_issue(api: str, token: str, repo: str, title: str, body: str, labels: list[str],
               timeout: float = 15) -> dict[str, Any]:
    """Create the issue; return {"number", "url"} (the page a person opens)."""
    if not (token and repo and "/" in repo):
        raise GitHubError("OPENDATA_GITHUB_TOKEN and OPENDATA_GITHUB_REPO (owner/name) must be set")
    request = urllib.request.Request(
        f"{api.rstrip('/')}/repos/{repo}/issues", method="POST",
        data=json.dumps({"title": title, "body": body, "labels": labels}).encode("utf-8"),
        headers={"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
                 "X-GitHub-Api-Version": "2022-11-28", "Content-Type": "application/json",
                 "User-Agent": "opendata-function"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = json.loads(response.read(1_000_000))
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode("utf-8", "replace")
        raise GitHubError(f"GitHub answered {exc.code}: {detail}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise GitHubError(f"GitHub unreachable: {exc}") from exc
    if not isinstance(data, dict) or "number" not in data:
        raise GitHubError("GitHub's answer has no issue number")
    return {"number": data["number"], "url": data.get("html_url") or data.get("url", "")}
