"""One answer per command, written for its channel: Zalo with accents (at most 2,000 characters, links to
the dataset page), SMS unaccented in GSM-7 (one message or a few parts, titles shortened at a word)."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from . import gsm7
from .data import LookupData, Table
from .grammar import HELP, LOOKUP, SEARCH, Command

ZALO_MAX = 2000
ZALO_RESULTS = 5
SMS_RESULTS = 3
ROWS_SHOWN = 3
SMS_TITLE = 40  # characters of a dataset's title heading an SMS answer  # matches shown when several rows match


@dataclass(frozen=True)
class Answer:
    text: str
    command: str  # DL, TRA, HD (unknown commands are answered with HD)
    dataset: str = ""  # the dataset looked up or found first ("" for help)
    answered: bool = True  # False: nothing found, an unknown code, a refusal


@dataclass(frozen=True)
class Style:
    sms: bool
    parts: int = 1  # SMS: at most this many parts

    @property
    def room(self) -> int:
        return gsm7.limit(self.parts) if self.sms else ZALO_MAX


def _cell(value: str, kind: str) -> str:
    if kind == "boolean" and value in ("true", "false", "True", "False", "TRUE", "FALSE", "1", "0"):
        return "có" if value.lower() in ("true", "1") else "không"
    return value or "—"


def _codes(data: LookupData) -> str:
    seen = {t.dataset: t for t in data.tables.values()}
    return ", ".join(sorted(t.code for t in seen.values()))


def _finish(lines: list[str], style: Style, keep_last: int = 1) -> str:
    """Lines -> the channel's text within its room (the last `keep_last` lines always stay)."""
    if style.sms:
        return gsm7.fit(lines, style.parts, keep_last)
    text = "\n".join(lines)
    if len(text) <= ZALO_MAX:
        return text
    tail = "\n".join(lines[len(lines) - keep_last:])
    return gsm7.shorten("\n".join(lines[:len(lines) - keep_last]), ZALO_MAX - len(tail) - 1) + "\n" + tail


def help_text(data: LookupData | None, style: Style, page: str = "") -> str:
    codes = _codes(data) if data else ""
    if style.sms:
        lines = ["DL <tu khoa>: tim bo du lieu, vd DL truong hoc.",
                 "TRA <ma> <gia tri>: tra cuu" + (f", ma: {codes}" if codes else "") + ".",
                 "HD: huong dan."]
        return gsm7.fit(lines, style.parts, keep_last=1)
    lines = ["Tra cứu dữ liệu mở — nhắn một trong các lệnh:",
             "• DL <từ khoá>: tìm bộ dữ liệu, ví dụ: DL trường học",
             "• TRA <mã> <giá trị>: tra một giá trị, ví dụ: TRA THPT 002" + (f" (mã: {codes})" if codes else ""),
             "• HD: hướng dẫn này. Gõ có dấu hay không dấu đều được."]
    if page:
        lines.append(f"Hướng dẫn đầy đủ: {page}")
    return _finish(lines, style)


def _search(cmd: Command, data: LookupData, style: Style) -> Answer:
    wanted = SMS_RESULTS if style.sms else ZALO_RESULTS
    total, hits = data.search.find(cmd.text, wanted)
    if not total:
        return Answer(_finish([f"Không tìm thấy bộ dữ liệu nào cho “{cmd.text}”.", "Thử từ khoá khác, ví dụ: DL dân số"],
                              style), SEARCH, answered=False)
    head = f"Tìm thấy {total} bộ dữ liệu cho “{cmd.text}”:" if total > 1 else f"Bộ dữ liệu cho “{cmd.text}”:"
    search_page = data.portal_url + "datasets/?" + urllib.parse.urlencode({"q": cmd.text})
    tail = "Tra cứu: TRA <mã> <giá trị>" if style.sms else f"Xem tất cả: {search_page}"
    lines = [head]
    if style.sms:
        # Every title gets an equal share of the room, each shortened at a word boundary.
        # A code only where TRA answers for it: the others are found, not looked up, by SMS.
        items = [(f"{n}) ", title, f" [{data.code_of(dataset)}]" if data.code_of(dataset) else "")
                 for n, (dataset, title) in enumerate(hits, 1)]
        room = style.room - len(gsm7.plain(head)) - len(gsm7.plain(tail)) - 2 - len(items)
        share = room // len(items)
        for prefix, title, suffix in items:
            room_left = share - len(prefix) - len(suffix)
            if room_left >= 12:  # a title cut to a word or two says nothing: leave that result out
                lines.append(prefix + gsm7.shorten(gsm7.plain(title), room_left) + suffix)
    else:
        for n, (dataset, title) in enumerate(hits, 1):
            code = data.code_of(dataset)
            lines.append(f"{n}. {title}" + (f" — tra cứu: TRA {code} …" if code else ""))
            lines.append(f"   {data.portal_url}datasets/{dataset}/")
    lines.append(tail)
    return Answer(_finish(lines, style), SEARCH, dataset=hits[0][0])


def _row_lines(table: Table, cells: list[str]) -> list[str]:
    return [f"{f['title']}: {_cell(v, f.get('type', 'string'))}" for f, v in zip(table.show, cells)]


def _lookup(cmd: Command, data: LookupData, style: Style) -> Answer:
    codes = _codes(data)
    if not cmd.code:
        return Answer(_finish([f"Gửi: TRA <mã> <giá trị>, mã: {codes or '—'}.", "Ví dụ: TRA THPT 002"], style),
                      LOOKUP, answered=False)
    table = data.table(cmd.code)
    if table is None:
        return Answer(_finish([f"Không có mã tra cứu “{cmd.code}”. Các mã: {codes or '—'}.",
                               "Tìm bộ dữ liệu: DL <từ khoá>"], style), LOOKUP, answered=False)
    by = " hoặc ".join(f["title"] for f in table.fields)
    if not cmd.text:
        return Answer(_finish([f"{table.title}: gửi TRA {table.code} <{by}>."], style, 0), LOOKUP, table.dataset, False)
    found = table.find(cmd.text, ROWS_SHOWN)
    link = [] if style.sms else [f"Xem bộ dữ liệu: {table.page}"]
    if not found.total:
        return Answer(_finish([f"Không tìm thấy “{cmd.text}” trong {table.title} (tra theo {by}).", *link], style,
                              len(link)), LOOKUP, table.dataset, False)
    title = gsm7.shorten(gsm7.plain(table.title), SMS_TITLE) if style.sms else table.title
    if found.total == 1:
        return Answer(_finish([f"{title}:", *_row_lines(table, found.rows[0]), *link], style, len(link)),
                      LOOKUP, table.dataset)
    lines = [f"Có {found.total} kết quả cho “{cmd.text}”:"]
    for n, cells in enumerate(found.rows, 1):
        lines.append(f"{n}) " + "; ".join(_cell(v, f.get("type", "string")) for f, v in zip(table.show, cells)))
    lines.append(f"Gõ cụ thể hơn, ví dụ theo {table.fields[0]['title']}.")
    return Answer(_finish([*lines, *link], style, 1 + len(link)), LOOKUP, table.dataset)


def answer(cmd: Command, data: LookupData | None, style: Style, help_page: str = "") -> Answer:
    if data is None:
        return Answer(_finish(["Dịch vụ tra cứu tạm thời chưa sẵn sàng; vui lòng thử lại sau."], style, 0),
                      cmd.kind if cmd.kind in (SEARCH, LOOKUP) else HELP, answered=False)
    if cmd.kind == SEARCH:
        return _search(cmd, data, style)
    if cmd.kind == LOOKUP:
        return _lookup(cmd, data, style)
    return Answer(help_text(data, style, help_page), HELP, answered=cmd.kind == HELP)


def refusal(style: Style, minutes: int) -> Answer:
    return Answer(_finish([f"Bạn đã gửi nhiều tin tra cứu; vui lòng thử lại sau {minutes} phút. Xin cảm ơn!"], style, 0),
                  "limit", answered=False)
