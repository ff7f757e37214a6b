"""The commands people type on a phone: Vietnamese, with or without accents, any case, extra spaces.

    DL <từ khoá>                     find datasets (also: DULIEU, TIM)
    TRA <mã bộ dữ liệu> <giá trị>    look a value up in a dataset that opts in
    HD                               help (also: HUONGDAN, HELP, ?); anything else answers with help
"""

from __future__ import annotations

from dataclasses import dataclass

from ..datastore import fold

MAX_TEXT = 500  # characters of a message read; a command is a few words

SEARCH, LOOKUP, HELP, UNKNOWN = "DL", "TRA", "HD", "?"
_WORDS = {
    "dl": SEARCH, "dulieu": SEARCH, "du lieu": SEARCH, "tim": SEARCH,
    "tra": LOOKUP, "tracuu": LOOKUP, "tra cuu": LOOKUP,
    "hd": HELP, "huongdan": HELP, "huong dan": HELP, "help": HELP, "?": HELP, "trogiup": HELP,
}


@dataclass(frozen=True)
class Command:
    kind: str  # SEARCH, LOOKUP, HELP or UNKNOWN
    code: str = ""  # TRA: the dataset's code as typed
    text: str = ""  # DL: the keywords; TRA: the value (as typed, NFC, spaces collapsed)


def parse(message: str) -> Command:
    """A message -> its command. Never raises: what is not a command is UNKNOWN (answered with help)."""
    words = " ".join(str(message or "")[:MAX_TEXT].split()).split(" ")
    words = [w for w in words if w]
    if not words:
        return Command(HELP)
    # "tra cuu" and "du lieu" are two words; "DL:" and "TRA," keep their punctuation off.
    head = fold(words[0]).strip(".,:;!")
    two = (head + " " + fold(words[1]).strip(".,:;!")) if len(words) > 1 else ""
    if two in _WORDS:
        kind, rest = _WORDS[two], words[2:]
    elif head in _WORDS:
        kind, rest = _WORDS[head], words[1:]
    else:
        return Command(UNKNOWN, text=" ".join(words))
    if kind == SEARCH:
        return Command(SEARCH, text=" ".join(rest)) if rest else Command(HELP)
    if kind == LOOKUP:
        if len(rest) < 2:
            return Command(LOOKUP, code=rest[0] if rest else "", text="")
        return Command(LOOKUP, code=rest[0], text=" ".join(rest[1:]))
    return Command(HELP)
