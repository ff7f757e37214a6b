"""The portal's own score: uData's criteria, adapted to the regulation (Decision 42/2024/QĐ-UBND).

Every criterion is worth one point and says why it is there; the score is the share met. A criterion
whose input is unknown (an API never link-checked) earns nothing and says so.
"""

from __future__ import annotations

from generator.ops import freshness
from generator.portal.model import Dataset
from generator.portal.vocabularies import FREQUENCIES
from generator.publish.discovery.dictionary import schema_fields
from generator.quality import Band, Criterion, Inputs, Score, met

DESCRIPTION_LENGTH = 100  # characters: uData's threshold for a description "long enough"
BANDS = ((90, Band("excellent", "Rất tốt", "Excellent")), (70, Band("good", "Tốt", "Good")),
         (50, Band("sufficient", "Đạt", "Sufficient")), (0, Band("bad", "Chưa đạt", "Bad")))


def _c(cid: str, vi: str, en: str, why_vi: str, why_en: str, ok: bool | None, detail_vi: str = "",
       detail_en: str = "") -> Criterion:
    return Criterion(cid, vi, en, why_vi, why_en, met(ok, 1), 1.0, ok, detail_vi, detail_en)


class PortalScore:
    id = "portal"

    def score(self, d: Dataset, inputs: Inputs) -> Score:
        p = inputs.portfolio
        licence = p.catalog.licences.get(d.licence)
        late = freshness.late(d, inputs.today)
        tables = [r for r in d.resources if r.tabular]
        undocumented = [r.name for r in tables
                        if not r.schema or any(not (f.get("title") or f.get("description")) for f in schema_fields(r))]
        apis = [r for r in d.resources if r.is_api]
        answers = {r.path: (inputs.links.reachable(r.path) if inputs.links else None) for r in apis}
        broken = [u for u, ok in answers.items() if ok is False]
        unknown = [u for u, ok in answers.items() if ok is None]
        reachable = False if broken else (None if unknown else True)
        warnings = inputs.warnings.get(d.id, 0)
        contact = bool(d.contact.get("email") or d.contact.get("phone"))
        entry = p.catalog.entries.get(d.catalogue)
        frequency = FREQUENCIES.get(d.frequency)
        criteria = [
            _c("licence", "Có giấy phép mở", "Open licence declared",
               "Người dùng chỉ tái sử dụng được dữ liệu khi biết điều kiện sử dụng (Điều 5).",
               "Data can be reused only under known terms (Article 5).",
               licence is not None, licence.title if licence else "", licence.title_en if licence else ""),
            _c("temporal", "Khai báo phạm vi thời gian", "Temporal coverage declared",
               "Cho biết dữ liệu nói về giai đoạn nào.", "Says which period the data covers.",
               bool(d.temporal.get("start") or d.temporal.get("end")),
               " – ".join(x for x in (d.temporal.get("start", ""), d.temporal.get("end", "")) if x)),
            _c("spatial", "Khai báo phạm vi địa lý", "Spatial coverage declared",
               "Cho biết dữ liệu nói về địa bàn nào.", "Says which area the data covers.",
               bool(d.spatial), d.spatial, d.spatial),
            _c("frequency", "Khai báo tần suất cập nhật", "Update frequency declared",
               "Danh mục dữ liệu mở ghi tần suất cập nhật của từng mục (Điều 8).",
               "The catalogue states each entry's update frequency (Article 8).",
               frequency is not None, frequency.vi if frequency else "", frequency.en if frequency else ""),
            _c("on-time", "Cập nhật đúng hạn theo tần suất", "Updated on time for its frequency",
               "Dữ liệu phải được cập nhật đúng tần suất đã công bố (Điều 9).",
               "Data is updated as often as declared (Article 9).",
               late is None,
               (f"quá hạn {late.days} ngày" if late else
                ("không có lịch cập nhật định kỳ" if not freshness.scheduled(d) else "đúng hạn")),
               (f"{late.days} days overdue" if late else
                ("no regular schedule" if not freshness.scheduled(d) else "on time"))),
            _c("description", f"Mô tả đủ dài (từ {DESCRIPTION_LENGTH} ký tự)",
               f"Description long enough ({DESCRIPTION_LENGTH}+ characters)",
               "Người dùng cần hiểu dữ liệu là gì, thu thập thế nào trước khi dùng.",
               "Users need to know what the data is and how it was collected.",
               len(d.description.strip()) >= DESCRIPTION_LENGTH,
               f"{len(d.description.strip())} ký tự", f"{len(d.description.strip())} characters"),
            _c("open-format", "Có ít nhất một định dạng mở, máy đọc được", "At least one open machine-readable format",
               "Bảng được công bố kèm bản CSV/JSON; API trả JSON (Điều 7.1).",
               "Tables are published with CSV/JSON copies; APIs answer JSON (Article 7.1).",
               bool(tables or apis), ", ".join(f.upper() for f in d.formats), ", ".join(f.upper() for f in d.formats)),
            _c("reachable", "Mọi tài nguyên truy cập được", "Every resource reachable",
               "Tệp do cổng phát hành; địa chỉ API theo lần kiểm tra liên kết định kỳ gần nhất.",
               "Files are served by the portal; API addresses per the last scheduled link check.",
               reachable,
               ("hỏng: " + ", ".join(broken)) if broken else (("chưa kiểm tra: " + ", ".join(unknown)) if unknown else ""),
               ("broken: " + ", ".join(broken)) if broken else (("not checked yet: " + ", ".join(unknown)) if unknown else "")),
            _c("specification", "Mỗi bảng có đặc tả dữ liệu, mọi trường có tên hoặc mô tả",
               "Every table has a data specification describing each field",
               "Quy chế yêu cầu đặc tả dữ liệu kèm mỗi bảng (Điều 7).",
               "The regulation requires a data specification with each table (Article 7).",
               not undocumented, ("thiếu: " + ", ".join(undocumented)) if undocumented else "",
               ("missing: " + ", ".join(undocumented)) if undocumented else ""),
            _c("gate", "Qua cổng kiểm tra không có cảnh báo", "Passed the validation gate without warnings",
               "Dữ liệu được kiểm tra chất lượng trước khi công bố (Điều 9).",
               "Data is checked for quality before it is published (Article 9).",
               warnings == 0, f"{warnings} cảnh báo" if warnings else "", f"{warnings} warnings" if warnings else ""),
            _c("contact", "Có đầu mối liên hệ (thư điện tử hoặc điện thoại)", "Contact point (email or phone)",
               "Người dùng hỏi và góp ý về dữ liệu với cơ quan chủ quản (Điều 12).",
               "Users ask the owning agency about the data (Article 12).", contact),
            _c("catalogue", "Thuộc Danh mục dữ liệu mở đã phê duyệt", "Entry of the approved open data catalogue",
               "Chỉ dữ liệu trong danh mục được phê duyệt mới được công bố (Điều 8).",
               "Only data in the approved catalogue is published (Article 8).",
               entry is not None, d.catalogue, d.catalogue),
        ]
        score = Score(self.id, "Điểm chất lượng của cổng", "Portal quality score", criteria, BANDS[-1][1])
        band = next(b for limit, b in BANDS if score.percent >= limit)
        return Score(self.id, score.vi, score.en, criteria, band)
