"""Feedback on a dataset (Article 12.4): received, handled, answered in public — without personal data."""

from __future__ import annotations

import re
from typing import Any

from . import github
from .accounts import audit, text
from .errors import ApiError, ValidationFailed, not_found
from .store import Store, now

CATEGORIES = {
    "quality": ("Chất lượng dữ liệu", "Data quality"),
    "usability": ("Khả năng sử dụng", "Usability"),
    "format": ("Định dạng", "Format"),
    "compliance": ("Tuân thủ quy định", "Compliance"),
    "other": ("Khác", "Other"),
}
STATUSES = {
    "received": ("Đã tiếp nhận", "Received"),
    "in-progress": ("Đang xử lý", "In progress"),
    "answered": ("Đã trả lời", "Answered"),
    "closed": ("Đã đóng", "Closed"),
}
HONEYPOT = "website"  # hidden in the form: people leave it empty, bots fill it

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Phone-like runs of 9-12 digits, with spaces, dots or dashes between groups, or a +84 prefix.
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)\d{12}(?!\d)")  # citizen identity card (CCCD) numbers


def redact(message: str) -> str:
    """Hide what identifies a person (emails, phone and ID numbers) before a message is shown in public."""
    message = _EMAIL.sub("[email]", message)
    message = _ID_NUMBER.sub("[số giấy tờ/ID]", message)
    return _PHONE.sub("[số điện thoại/phone]", message)


def validate(data: dict[str, Any], *, max_chars: int) -> dict[str, str]:
    problems: dict[str, tuple[str, str]] = {}
    category = text(data.get("category")).lower()
    message = text(data.get("message"), multiline=True)
    contact = text(data.get("contact"))
    dataset = text(data.get("dataset"))
    if category not in CATEGORIES:
        problems["category"] = ("Chọn một loại góp ý: " + ", ".join(CATEGORIES) + ".",
                                "Choose a category: " + ", ".join(CATEGORIES) + ".")
    if not 5 <= len(message) <= max_chars:
        problems["message"] = (f"Nội dung góp ý cần từ 5 đến {max_chars} ký tự.",
                               f"The message must be 5 to {max_chars} characters long.")
    if len(contact) > 200:
        problems["contact"] = ("Thông tin liên hệ dài quá 200 ký tự.", "Contact longer than 200 characters.")
    if not dataset:
        problems["dataset"] = ("Thiếu mã bộ dữ liệu.", "The dataset id is missing.")
    if problems:
        raise ValidationFailed(problems)
    return {"dataset": dataset, "category": category, "message": message, "contact": contact}


def create(store: Store, values: dict[str, str]) -> dict[str, Any]:
    stamp = now()
    row = {**values, "status": "received", "public": 1, "answer": "", "answered": None, "github_issue": "",
           "created": stamp, "updated": stamp}
    with store.tx() as tx:
        feedback_id = tx.insert("feedback", row)
        audit(tx, "public", "feedback-received", feedback_id=feedback_id, dataset=values["dataset"],
              category=values["category"])
    return {"id": feedback_id, "status": "received", "dataset": values["dataset"], "created": stamp}


def get(store: Store, feedback_id: int) -> dict[str, Any]:
    with store.tx() as tx:
        row = tx.one("SELECT * FROM feedback WHERE id = ?", (feedback_id,))
    if row is None:
        raise not_found(f"góp ý số {feedback_id}", f"Feedback {feedback_id}")
    row["public"] = bool(row["public"])
    return row


def listing(store: Store, *, dataset: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    where, args = [], []
    if dataset:
        where.append("dataset = ?")
        args.append(dataset)
    if status:
        where.append("status = ?")
        args.append(status)
    sql = "SELECT * FROM feedback" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
    with store.tx() as tx:
        rows = tx.all(sql, args)
    for row in rows:
        row["public"] = bool(row["public"])
    return rows


def public_view(store: Store, dataset: str) -> list[dict[str, Any]]:
    """What the dataset page shows: no contact, identifying numbers hidden, hidden items left out."""
    with store.tx() as tx:
        rows = tx.all("SELECT id, category, message, status, answer, answered, created FROM feedback "
                      "WHERE dataset = ? AND public = 1 ORDER BY id DESC LIMIT 200", (dataset,))
    return [{**row, "message": redact(row["message"]), "answer": redact(row["answer"]),
             "category_name": {"vi": CATEGORIES[row["category"]][0], "en": CATEGORIES[row["category"]][1]},
             "status_name": {"vi": STATUSES[row["status"]][0], "en": STATUSES[row["status"]][1]}}
            for row in rows]


def update(store: Store, feedback_id: int, *, actor: str, status: str | None = None, answer: str | None = None,
           public: bool | None = None) -> dict[str, Any]:
    """The operator moves a feedback along: status, a public answer (status 'answered'), or hides spam."""
    if status is not None and (not isinstance(status, str) or status not in STATUSES):
        raise ValidationFailed({"status": ("Trạng thái phải là: " + ", ".join(STATUSES) + ".",
                                           "Status must be one of: " + ", ".join(STATUSES) + ".")})
    changes: dict[str, Any] = {}
    if answer is not None:
        answer = text(answer, multiline=True)
        if not 1 <= len(answer) <= 10_000:
            raise ValidationFailed({"answer": ("Câu trả lời trống hoặc quá dài.", "The answer is empty or too long.")})
        changes.update(answer=answer, answered=now(), status=status or "answered")
    elif status is not None:
        changes["status"] = status
    if public is not None:
        changes["public"] = int(public)
    if not changes:
        raise ValidationFailed({"status": ("Không có gì để thay đổi.", "Nothing to change.")})
    changes["updated"] = now()
    with store.tx() as tx:
        if tx.one("SELECT id FROM feedback WHERE id = ?", (feedback_id,)) is None:
            raise not_found(f"góp ý số {feedback_id}", f"Feedback {feedback_id}")
        tx.run("UPDATE feedback SET " + ", ".join(f"{k} = ?" for k in changes) + " WHERE id = ?",
               [*changes.values(), feedback_id])
        audit(tx, actor, "feedback-answer" if answer is not None else "feedback-update", feedback_id=feedback_id,
              **{k: v for k, v in changes.items() if k in ("status", "public")})
    return get(store, feedback_id)


def open_issue(store: Store, feedback_id: int, *, api: str, token: str, repo: str, actor: str,
               site_url: str = "") -> dict[str, Any]:
    """Copy a feedback to an issue in the data repository (personal data stays out of it)."""
    row = get(store, feedback_id)
    if row["github_issue"]:
        return row
    vi, en = CATEGORIES[row["category"]]
    body = (f"Góp ý số {row['id']} về bộ dữ liệu `{row['dataset']}` ({vi} / {en}), nhận lúc {row['created']}.\n"
            f"Feedback #{row['id']} on dataset `{row['dataset']}`, received {row['created']}.\n\n"
            + (f"{site_url}datasets/{row['dataset']}/\n\n" if site_url else "")
            + "> " + redact(row["message"]).replace("\n", "\n> ")
            + "\n\n_Thông tin liên hệ của người góp ý không được đưa lên đây (contact details are kept "
              "by the operator only)._")
    try:
        issue = github.open_issue(api, token, repo, f"[Góp ý/Feedback #{row['id']}] {row['dataset']}: {vi}",
                                  body, ["feedback", row["category"]])
    except github.GitHubError as exc:
        raise ApiError(502, "github-failed", f"Không tạo được issue trên GitHub: {exc}",
                       f"Could not open the GitHub issue: {exc}") from exc
    with store.tx() as tx:
        tx.run("UPDATE feedback SET github_issue = ?, updated = ? WHERE id = ?", (issue["url"], now(), feedback_id))
        audit(tx, actor, "feedback-github", feedback_id=feedback_id, issue=issue["url"])
    return get(store, feedback_id)
