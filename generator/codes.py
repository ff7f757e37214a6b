"""Every problem code the portal reports, with what it means and how to fix it, in Vietnamese and English.

A `Problem` carries one of these codes (`validate --format json` prints it as `type`); the row checks
use frictionless' own error names. A problem that has no fix text of its own shows its code's.
`tests/test_codes.py` fails when a code is used without an entry here, and the agency guide's table
of codes (docs/error-codes.md) is written from this registry (`python -m generator.codes`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    name: str
    title_vi: str
    title_en: str
    fix_vi: str
    fix_en: str


def _codes(*rows: tuple[str, str, str, str, str]) -> dict[str, Code]:
    return {row[0]: Code(*row) for row in rows}


REGISTRY: dict[str, Code] = _codes(
    # --- the portal's input: YAML, descriptors, the catalogue ---
    ("portal-error", "lỗi trong dữ liệu đầu vào của cổng", "a problem in the portal's input",
     "đọc thông báo: nó nêu tệp, khóa hoặc dòng cần sửa; sửa rồi gửi lại.",
     "read the message: it names the file and the key or row to change; change it and resubmit."),
    ("yaml-refused", "tệp YAML bị từ chối (bí danh, khóa trùng, lồng quá sâu, ký tự điều khiển)",
     "YAML refused (aliases, duplicate keys, nesting too deep, control characters)",
     "viết YAML thẳng: không dùng bí danh (`&`, `*`), mỗi khóa một lần, không dán ký tự điều khiển.",
     "write plain YAML: no aliases (`&`, `*`), each key once, no control characters."),
    ("missing-metadata", "thiếu thông tin bắt buộc trong tệp mô tả", "required metadata missing from the descriptor",
     "thêm khóa còn thiếu vào datapackage.yaml (xem hướng dẫn cho cơ quan, mục các khóa bắt buộc).",
     "add the missing key to datapackage.yaml (see the agency guide, required keys)."),
    ("invalid-metadata", "thông tin trong tệp mô tả không hợp lệ", "metadata in the descriptor is not valid",
     "sửa giá trị của khóa được nêu theo đúng kiểu và danh sách cho phép.",
     "correct the named key's value to the expected type or one of the allowed values."),
    ("package-error", "tệp mô tả không phải Data Package hợp lệ", "the descriptor is not a valid Data Package",
     "sửa theo đặc tả Data Package (https://specs.frictionlessdata.io/data-package/).",
     "correct it following the Data Package specification (https://specs.frictionlessdata.io/data-package/)."),
    ("resource-error", "mô tả tài nguyên không hợp lệ", "a resource's description is not valid",
     "mỗi tài nguyên cần “name”, “path” và “format” đúng đặc tả Data Resource.",
     "each resource needs a “name”, a “path” and a “format” following the Data Resource specification."),
    ("field-error", "mô tả cột không hợp lệ", "a field's description is not valid",
     "sửa cột theo đặc tả Table Schema: “name”, “type” trong danh sách kiểu, ràng buộc đúng kiểu.",
     "correct the field following Table Schema: a “name”, a known “type”, constraints of the right type."),
    ("dialect-error", "“dialect” của bảng không hợp lệ", "the table's “dialect” is not valid",
     "sửa “dialect” theo đặc tả CSV Dialect (headerRows, commentRows là danh sách số dòng).",
     "correct the “dialect” following CSV Dialect (headerRows and commentRows are lists of row numbers)."),
    ("schema-error", "đặc tả bảng (Table Schema) không hợp lệ", "the Table Schema is not valid",
     "sửa đặc tả bảng: mỗi cột một “name” duy nhất trùng tiêu đề bảng, “type” hợp lệ; "
     "chạy “opendata infer TỆP” để có bản nháp.",
     "correct the Table Schema: one unique “name” per column matching the header, a valid “type”; "
     "run “opendata infer FILE” for a draft."),
    ("missing-schema", "bảng chưa có đặc tả (Table Schema)", "a table has no Table Schema",
     "thêm “schema:” cho tài nguyên; “opendata infer TỆP” soạn sẵn bản nháp.",
     "add a “schema:” to the resource; “opendata infer FILE” drafts one."),
    ("frequency-mismatch", "tần suất cập nhật khác với danh mục đã duyệt", "the update frequency differs from the approved catalogue",
     "dùng tần suất ghi trong catalog/catalogue.yaml, hoặc đề nghị sửa danh mục trước.",
     "use the frequency of catalog/catalogue.yaml, or ask for the catalogue to be changed first."),
    ("ownership", "thay đổi ngoài thư mục của cơ quan mình", "a change outside the agency's own folder",
     "chỉ sửa data/<mã cơ quan của bạn>/; thay đổi khác do người duyệt thực hiện.",
     "change only data/<your agency>/; other changes are made by reviewers."),
    ("not-nfc", "chữ tiếng Việt không ở dạng NFC", "Vietnamese text is not in NFC form",
     "lưu lại tệp bằng trình soạn thảo hỗ trợ Unicode dựng sẵn (NFC); cổng không tự đổi siêu dữ liệu.",
     "save the file again with an editor that writes precomposed Unicode (NFC)."),
    ("no-such-dataset", "đường dẫn không chỉ tới thư mục bộ dữ liệu nào", "a path that names no dataset folder",
     "nêu thư mục data/<cơ quan>/<bộ dữ liệu> (hoặc data/<cơ quan>) có datapackage.yaml.",
     "name a data/<agency>/<dataset> folder (or data/<agency>) that holds a datapackage.yaml."),
    ("source-error", "không đọc được tệp hoặc địa chỉ nguồn", "a file or source address cannot be read",
     "kiểm tra đường dẫn: tệp nằm trong thư mục bộ dữ liệu, tên đúng chữ hoa/thường, địa chỉ https:// hợp lệ.",
     "check the path: the file sits in the dataset's folder, its name's case matches, the https:// address is valid."),
    # --- files ---
    ("format-error", "tệp không đúng định dạng khai báo hoặc không đọc được như bảng",
     "a file is not in its declared format or cannot be read as a table",
     "mở tệp bằng Excel hoặc LibreOffice, lưu đúng định dạng (.xlsx, .csv UTF-8) rồi gửi lại.",
     "open the file in Excel or LibreOffice, save it in its format (.xlsx, UTF-8 .csv) and resubmit."),
    ("file-too-large", "tệp quá lớn", "a file is too large",
     "chia dữ liệu thành nhiều tệp nhỏ hơn, hoặc cung cấp qua API.",
     "split the data into smaller files, or publish it through an API."),
    ("empty-file", "tệp rỗng", "an empty file", "gửi lại tệp có nội dung.", "resubmit the file with its content."),
    ("zip-bomb", "tệp nén giải ra quá lớn (bom nén)", "a file unpacks to far too much (a zip bomb)",
     "lưu lại tệp từ ứng dụng văn phòng; không gửi tệp nén bất thường.",
     "save the file again from the office application; do not send unusual archives."),
    ("macro", "tệp chứa macro", "a file contains macros",
     "lưu thành .xlsx hoặc .docx (không macro) rồi gửi lại.", "save it as .xlsx or .docx (no macros) and resubmit."),
    ("encrypted", "tệp có mật khẩu", "a file is password-protected",
     "gỡ mật khẩu (lưu lại không đặt mật khẩu) rồi gửi lại.", "remove the password (save without one) and resubmit."),
    ("active-content", "tệp chứa nội dung chạy được (JavaScript, đối tượng nhúng, liên kết ngoài)",
     "a file holds active content (JavaScript, embedded objects, external links)",
     "in lại thành PDF thường hoặc lưu lại tài liệu không có đối tượng nhúng.",
     "print it again to a plain PDF or save the document without embedded objects."),
    ("corrupt-file", "tệp bị hỏng hoặc quá nặng để mở an toàn", "a file is damaged or too heavy to open safely",
     "mở tệp bằng ứng dụng đã tạo ra nó, lưu lại rồi gửi lại.", "open it in the application that made it, save it again and resubmit."),
    ("encoding-error", "bảng CSV không phải văn bản UTF-8 đọc được", "a CSV table is not readable UTF-8 text",
     "lưu lại bằng “CSV UTF-8” (Excel) hoặc “Unicode (UTF-8)” (LibreOffice).",
     "save it again as “CSV UTF-8” (Excel) or “Unicode (UTF-8)” (LibreOffice)."),
    ("encoding-converted", "bảng CSV mã cũ (TCVN3, VNI, Windows-1258) đã được chuyển sang UTF-8",
     "a CSV in a legacy encoding (TCVN3, VNI, Windows-1258) was converted to UTF-8",
     "không bắt buộc: lần sau lưu bằng “CSV UTF-8” để tệp gốc cũng đọc được ở mọi nơi.",
     "optional: next time save as “CSV UTF-8” so the original reads everywhere too."),
    ("api-error", "địa chỉ API không trả lời đúng", "an API address does not answer as declared",
     "kiểm tra địa chỉ https:// và kiểu nội dung khai báo; API phải trả lời công khai.",
     "check the https:// address and the declared content type; the API must answer publicly."),
    ("api-check-skipped", "chưa kiểm tra API (chạy không mạng)", "API not checked (run offline)",
     "không cần sửa: bước kiểm tra có mạng trong CI sẽ kiểm tra.", "nothing to change: the networked check in CI tests it."),
    ("lookup", "khai báo tra cứu qua SMS/Zalo (“lookup:”) sai", "the SMS/Zalo look-up (“lookup:”) is wrong",
     "bảng và các cột nêu trong “lookup:” phải có trong đặc tả; mã tra cứu là chữ in hoa, riêng cho mỗi bộ dữ liệu "
     "(xem Hướng dẫn cơ quan, mục Tra cứu).",
     "the table and fields “lookup:” names must be in the schema; the code is upper case and its dataset's own "
     "(see the agency guide, Look-up)."),
    ("personal-data", "bảng có thể chứa dữ liệu cá nhân", "a table may hold personal data",
     "bỏ hoặc ẩn cột dữ liệu cá nhân (Nghị định 13/2023); nếu là dữ liệu công khai của tổ chức, ghi rõ trong mô tả cột.",
     "remove or mask personal data (Decree 13/2023); if it is an organisation's public contact, say so in the field's description."),
    # --- administrative units (a field that declares `admin_unit`) ---
    ("unit-unknown", "mã hoặc tên đơn vị hành chính không có trong thời kỳ đã khai báo",
     "a unit code or name that does not exist in its declared generation",
     "sửa ô theo gợi ý (mã đúng theo tên cùng dòng, hoặc tên gần giống); tra cứu: opendata units lookup \"tên\".",
     "correct the cell as suggested (the code of the row's name, or a near name); look up: opendata units lookup \"name\"."),
    ("unit-name-mismatch", "tên đơn vị không khớp mã cùng dòng", "a unit's name does not match the code on its row",
     "sửa tên hoặc mã cho khớp nhau (không cần dấu và chữ “Xã”, “Phường”, “Thị trấn”).",
     "make the name and the code agree (accents and the words “Xã”, “Phường”, “Thị trấn” are not needed)."),
    ("unit-outdated", "đơn vị trước 01/07/2025 trong dữ liệu hoặc cột của thời kỳ mới",
     "a unit of before 1 July 2025 in data or a field of the new generation",
     "ghi đơn vị mới đã nêu, hoặc thêm cột đơn vị mới bằng “opendata units add-new”.",
     "record the new unit named, or add new-unit columns with “opendata units add-new”."),
    ("unit-generation", "đơn vị thuộc thời kỳ khác với thời kỳ đã khai báo", "a unit of the other generation than the declared one",
     "sửa “generation” của cột (2025 hoặc pre-2025), hoặc ghi đơn vị đúng thời kỳ.",
     "correct the field's “generation” (2025 or pre-2025), or record the unit of that generation."),
    ("unit-ambiguous", "nhiều đơn vị cùng tên", "several units share this name",
     "thêm cột mã đơn vị (“code_field”) hoặc khai báo “within” (mã tỉnh) để phân biệt.",
     "add a unit code column (“code_field”) or declare “within” (a province code) to tell them apart."),
    ("unit-pre-2025", "bảng chỉ ghi đơn vị trước 01/07/2025", "the table records only units of before 1 July 2025",
     "không bắt buộc: thêm cột đơn vị mới bằng “opendata units add-new TỆP --field CỘT”.",
     "optional: add new-unit columns with “opendata units add-new FILE --field FIELD”."),
    # --- rows (frictionless' error names) ---
    ("table-check-error", "không kiểm tra hết được bảng", "the table could not be checked in full",
     "mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi gửi lại; nếu vẫn lỗi, báo người vận hành.",
     "open the file in Excel or LibreOffice, save it again and resubmit; if it persists, tell the operator."),
    ("rows-skipped", "đã bỏ qua các dòng không phải dữ liệu (tiêu đề, dòng tổng, chữ ký)",
     "rows that are not data were skipped (title block, totals, signatures)",
     "kiểm tra danh sách dòng bỏ qua; nếu sai, khai báo “dialect: {headerRows, commentRows}”.",
     "check the skipped rows; if wrong, declare “dialect: {headerRows, commentRows}”."),
    ("error-limit", "quá nhiều lỗi, chỉ ghi những lỗi đầu", "too many errors: only the first are listed",
     "sửa các lỗi đã nêu (thường cùng một nguyên nhân) rồi kiểm tra lại.",
     "fix the listed errors (often one cause) and check again."),
    ("blank-label", "cột không có tiêu đề", "a column has no header label",
     "đặt tiêu đề cho mọi cột, hoặc xóa cột trống.", "give every column a label, or delete the empty column."),
    ("duplicate-label", "hai cột cùng tiêu đề", "two columns share a label", "đặt cho mỗi cột một tiêu đề riêng.",
     "give each column its own label."),
    ("incorrect-label", "tiêu đề cột khác “name” trong đặc tả", "a header label differs from the schema's “name”",
     "đổi tiêu đề cột cho trùng “name”, hoặc sửa “name” trong đặc tả.", "rename the column to its “name”, or correct the schema."),
    ("missing-label", "bảng thiếu cột có trong đặc tả", "a column of the schema is missing from the table",
     "thêm cột vào bảng, hoặc bỏ cột khỏi đặc tả.", "add the column to the table, or remove it from the schema."),
    ("extra-label", "bảng có cột không có trong đặc tả", "the table has a column the schema does not",
     "mô tả cột trong đặc tả, hoặc xóa cột khỏi bảng.", "describe the column in the schema, or delete it from the table."),
    ("blank-row", "dòng trống", "a blank row", "xóa dòng trống.", "delete the blank row."),
    ("extra-cell", "dòng có nhiều ô hơn số cột", "a row has more cells than columns",
     "xóa ô thừa hoặc thêm cột vào đặc tả.", "delete the extra cell or add the column to the schema."),
    ("missing-cell", "dòng thiếu ô", "a row has fewer cells than columns",
     "điền ô còn thiếu (để trống nếu không có giá trị).", "add the missing cell (empty when there is no value)."),
    ("type-error", "giá trị không đúng kiểu của cột", "a value is not of its field's type",
     "sửa ô cho đúng kiểu (số không có chữ, ngày YYYY-MM-DD), hoặc đổi “type” của cột.",
     "correct the cell to the field's type (numbers without letters, dates YYYY-MM-DD), or change the field's “type”."),
    ("constraint-error", "giá trị vi phạm ràng buộc của cột", "a value breaks its field's constraint",
     "sửa ô theo ràng buộc (bắt buộc, độ dài, khoảng giá trị, mẫu, danh sách), hoặc sửa ràng buộc.",
     "correct the cell to the constraint (required, length, range, pattern, enum), or the constraint."),
    ("unique-error", "giá trị lặp ở cột phải duy nhất", "a repeated value in a unique field",
     "mỗi giá trị của cột chỉ xuất hiện một lần: sửa hoặc xóa dòng lặp.", "each value appears once: correct or delete the repeated row."),
    ("primary-key", "khóa chính lặp hoặc trống", "a primary key repeated or empty",
     "mỗi dòng cần khóa chính riêng, không trống.", "each row needs its own, non-empty primary key."),
    # --- reports ---
    ("yearly-input", "tệp đầu vào của báo cáo năm không dùng được (thống kê của hàm API, nhật ký kiểm tra)",
     "an input of the yearly report cannot be used (the function's statistics, the gate log)",
     "tạo lại thống kê bằng “opendata keys stats --year NĂM --format json”; nhật ký là JSON Lines của "
     "“opendata validate --format json”, mỗi dòng có “date”.",
     "make the statistics again with “opendata keys stats --year YEAR --format json”; the log is JSON Lines of "
     "“opendata validate --format json” runs, each with a “date”."),
    # --- the build's own outputs ---
    ("build-write-conflict", "hai bước của bản dựng cùng ghi một tệp", "two build steps write the same file",
     "đổi tên tệp hoặc tài nguyên trùng với tệp cổng tự sinh, rồi dựng lại.",
     "rename the file or resource that collides with a file the portal makes, then build again."),
    ("output-folder", "thư mục đầu ra không dùng được", "the output folder cannot be used",
     "chọn --out là thư mục mới hoặc trang đã dựng trước đó, ví dụ --out site.",
     "choose for --out a new folder or a site built before, e.g. --out site."),
    ("mkdocs-config", "mkdocs.yml không dùng được", "mkdocs.yml cannot be used",
     "sửa mkdocs.yml theo thông báo; giữ các trang bộ dữ liệu ngoài “nav”.",
     "correct mkdocs.yml as the message says; keep dataset pages out of “nav”."),
    ("forms", "biểu mẫu của hàm API không chép được vào trang", "the function's forms could not be copied into the site",
     "kiểm tra function/static/ còn đủ tệp (register.html, feedback.js…).", "check that function/static/ holds its files."),
    ("dcat-ap", "siêu dữ liệu DCAT-AP không đạt ràng buộc bắt buộc", "the DCAT-AP metadata violates the mandatory shapes",
     "đọc báo cáo SHACL: nó nêu bộ dữ liệu và thuộc tính; thường là thiếu giấy phép, mô tả hoặc cơ quan.",
     "read the SHACL report: it names the dataset and property; usually a missing licence, description or agency."),
    ("dcat-ap-recommended", "thiếu thuộc tính DCAT-AP khuyến nghị", "recommended DCAT-AP properties missing",
     "không bắt buộc: thêm phạm vi thời gian, phạm vi không gian, từ khóa để bộ dữ liệu dễ tìm hơn.",
     "optional: add temporal and spatial coverage and keywords to make datasets easier to find."),
    ("data-json", "data.json không hợp lệ theo Project Open Data 1.1", "data.json is not valid Project Open Data 1.1",
     "đọc thông báo: nó nêu bộ dữ liệu và khóa; sửa giá trị trong datapackage.yaml.",
     "read the message: it names the dataset and key; correct the value in datapackage.yaml."),
)


def known(code: str, fallback: str) -> str:
    """`code` if it is registered, else `fallback` (for names that come from another library)."""
    return code if code in REGISTRY else fallback


def fix(code: str) -> tuple[str, str]:
    entry = REGISTRY.get(code or "portal-error")
    return (entry.fix_vi, entry.fix_en) if entry else ("", "")


def markdown() -> str:
    """The table of codes for the agency guide."""
    lines = ["# Mã lỗi / Error codes", "",
             "Sinh từ `generator/codes.py` bằng `python -m generator.codes > docs/error-codes.md`; đừng sửa tay.",
             "Generated from `generator/codes.py`; do not edit by hand.", "",
             "| Mã / code | Nghĩa / meaning | Cách sửa / fix |", "| --- | --- | --- |"]
    for c in REGISTRY.values():
        lines.append(f"| `{c.name}` | {c.title_vi}<br>*{c.title_en}* | {c.fix_vi}<br>*{c.fix_en}* |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
