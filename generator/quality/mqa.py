"""The EU Metadata Quality Assessment (data.europa.eu MQA) of a dataset's DCAT-AP description.

The indicators and weights of the MQA methodology (405 points in five dimensions), read from the triples
generator.publish.harvest.dcat publishes for the dataset and its own distributions (the agency's files and APIs).
The copies the portal derives from them (CSV/JSON/XLSX conversions, the zipped package) are left out:
they carry the portal's metadata, not the agency's, and would lift every score alike.

    Findability       dcat:keyword 30, dcat:theme 30, dct:spatial 20, dct:temporal 20
    Accessibility     dcat:accessURL reachable 50, dcat:downloadURL 20, dcat:downloadURL reachable 30
    Interoperability  dct:format 20, dcat:mediaType 10, format / media type from a vocabulary 10,
                      non-proprietary format 20, machine-readable format 20, DCAT-AP compliance 30
    Reusability       dct:license 20, licence from a vocabulary 10, dct:accessRights 10,
                      access right from a vocabulary 5, dcat:contactPoint 20, dct:publisher 10
    Contextuality     dct:rights 5, dcat:byteSize 5, dct:issued 5, dct:modified 5

As in the MQA, a distribution indicator earns its weight times the share of distributions that have it;
interoperability counts only the distribution that scores best ("identical content in several
distributions"); vocabulary indicators split their weight between format and media type. Ratings:
Excellent 351–405, Good 221–350, Sufficient 121–220, Bad 0–120.

Reachability is never asked of the network here: the portal's own files are served by the build that
publishes this description, and outside addresses (APIs) take the last recorded link check's answer.
DCAT-AP compliance: the build refuses to publish a catalogue that violates the official SHACL shapes,
so a published description is compliant.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from typing import Any

from rdflib import URIRef

from generator.portal.model import Dataset
from generator.publish import urls
from generator.publish.harvest.dcat.graph import datasets_triples
from generator.publish.harvest.dcat.vocabulary import DCAT, DCTERMS, EU, IANA
from generator.quality import Band, Criterion, Inputs, Score

# The EU's lists (data.europa.eu MQA vocabularies) for the file types the portal publishes.
NON_PROPRIETARY = {"CSV", "JSON", "JSON_LD", "GEOJSON", "ODS", "TSV", "TXT", "XML", "ZIP", "RDF_TURTLE", "RDF_XML",
                   "HTML", "RTF", "GZIP", "TAR", "PNG", "RSS", "KML", "KMZ", "NETCDF", "GPKG", "ICS", "DBF"}
MACHINE_READABLE = {"CSV", "JSON", "JSON_LD", "GEOJSON", "XLSX", "XLS", "ODS", "TSV", "TXT", "XML", "ZIP", "PDF",
                    "DOCX", "DOC", "ODT", "RDF_TURTLE", "RDF_XML", "HTML", "RTF", "PARQUET", "GZIP", "TAR", "KML"}
BANDS = ((351, Band("excellent", "Rất tốt", "Excellent")), (221, Band("good", "Tốt", "Good")),
         (121, Band("sufficient", "Đạt", "Sufficient")), (0, Band("bad", "Kém", "Bad")))
DIMENSIONS = [("findability", "Dễ tìm", "Findability"), ("accessibility", "Truy cập được", "Accessibility"),
              ("interoperability", "Liên thông", "Interoperability"), ("reusability", "Tái sử dụng", "Reusability"),
              ("contextuality", "Ngữ cảnh", "Contextuality")]
# (id, property, Vietnamese, English, weight, why in Vietnamese, why in English)
INDICATORS: list[tuple[str, str, str, str, float, str, str]] = [
    ("findability.keyword", "dcat:keyword", "Từ khóa", "Keywords", 30,
     "Từ khóa giúp tìm thấy bộ dữ liệu.", "Keywords help find the dataset."),
    ("findability.theme", "dcat:theme", "Chủ đề", "Categories", 30,
     "Chủ đề EU cho phép duyệt theo lĩnh vực.", "EU themes let people browse by field."),
    ("findability.spatial", "dct:spatial", "Phạm vi địa lý", "Geo search", 20,
     "Cho phép tìm theo địa bàn.", "Allows searching by area."),
    ("findability.temporal", "dct:temporal", "Phạm vi thời gian", "Time-based search", 20,
     "Cho phép tìm theo thời gian.", "Allows searching by period."),
    ("accessibility.access-url", "dcat:accessURL", "Địa chỉ truy cập trả lời được", "Access URL accessible", 50,
     "Người dùng mở được địa chỉ truy cập.", "The access address answers."),
    ("accessibility.download-url", "dcat:downloadURL", "Có địa chỉ tải xuống", "Download URL", 20,
     "Có thể tải trực tiếp dữ liệu.", "The data can be downloaded directly."),
    ("accessibility.download-url-ok", "dcat:downloadURL", "Địa chỉ tải xuống trả lời được",
     "Download URL accessible", 30, "Tệp tải xuống mở được.", "The download answers."),
    ("interoperability.format", "dct:format", "Định dạng", "Format", 20,
     "Khai báo định dạng tệp.", "The file format is declared."),
    ("interoperability.media-type", "dcat:mediaType", "Kiểu phương tiện", "Media type", 10,
     "Khai báo kiểu MIME.", "The media type is declared."),
    ("interoperability.vocabulary", "dct:format / dcat:mediaType", "Định dạng theo bộ từ vựng",
     "Format / media type from vocabulary", 10,
     "Định dạng và kiểu theo danh mục EU và IANA.", "Format and type from the EU and IANA lists."),
    ("interoperability.non-proprietary", "dct:format", "Định dạng không độc quyền", "Non-proprietary", 20,
     "Mở được không cần phần mềm riêng.", "Opens without proprietary software."),
    ("interoperability.machine-readable", "dct:format", "Định dạng máy đọc được", "Machine readable", 20,
     "Máy tính xử lý được.", "Computers can process it."),
    ("interoperability.dcat-ap", "DCAT-AP", "Tuân thủ DCAT-AP", "DCAT-AP compliance", 30,
     "Mô tả đạt các ràng buộc SHACL chính thức.", "The description meets the official SHACL shapes."),
    ("reusability.licence", "dct:license", "Thông tin giấy phép", "License information", 20,
     "Biết điều kiện tái sử dụng.", "Reuse terms are known."),
    ("reusability.licence-vocabulary", "dct:license", "Giấy phép theo bộ từ vựng", "License vocabulary", 10,
     "Giấy phép theo danh mục EU.", "Licence from the EU list."),
    ("reusability.access-rights", "dct:accessRights", "Quyền truy cập", "Access restrictions", 10,
     "Nói rõ dữ liệu công khai hay hạn chế.", "Says whether access is public or restricted."),
    ("reusability.access-rights-vocabulary", "dct:accessRights", "Quyền truy cập theo bộ từ vựng",
     "Access restrictions vocabulary", 5, "Theo danh mục EU.", "From the EU list."),
    ("reusability.contact", "dcat:contactPoint", "Đầu mối liên hệ", "Contact point", 20,
     "Người dùng hỏi được cơ quan.", "Users can ask the agency."),
    ("reusability.publisher", "dct:publisher", "Cơ quan công bố", "Publisher", 10,
     "Biết ai chịu trách nhiệm dữ liệu.", "Who is responsible is known."),
    ("contextuality.rights", "dct:rights", "Tuyên bố quyền", "Rights", 5,
     "Tuyên bố quyền trên từng bản phân phối.", "A rights statement on each distribution."),
    ("contextuality.byte-size", "dcat:byteSize", "Dung lượng tệp", "File size", 5,
     "Biết trước dung lượng tải.", "The download size is known."),
    ("contextuality.issued", "dct:issued", "Ngày phát hành", "Date of issue", 5,
     "Biết dữ liệu có từ khi nào.", "When the data appeared is known."),
    ("contextuality.modified", "dct:modified", "Ngày sửa đổi", "Modification date", 5,
     "Biết dữ liệu mới đến đâu.", "How recent the data is is known."),
]
# What each indicator checks, in both languages (one text for every dataset's criteria).
LABELS = {cid: (f"{vi} ({prop})", f"{en} ({prop})") for cid, prop, vi, en, *_ in INDICATORS}


def _index(triples: set) -> dict[Any, dict[Any, list[Any]]]:
    out: dict[Any, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for s, pred, o in triples:
        out[s][pred].append(o)
    return out


CHUNK = 100  # datasets described together


class MqaScore:
    id = "mqa"

    def _described(self, d: Dataset, inputs: Inputs) -> dict[Any, dict[Any, list[Any]]]:
        """The description the DCAT step publishes for `d`, made for CHUNK datasets at a time (in the
        portfolio's order, as the scores are asked for): the nodes they share (vocabulary concepts,
        agencies) are described once per chunk, and only one chunk's triples are held."""
        p = inputs.portfolio
        if self.id not in inputs.shared:
            inputs.shared[self.id] = {"at": {x.id: i for i, x in enumerate(p.datasets)}, "ids": set()}
        held = inputs.shared[self.id]
        if d.id not in held["ids"]:
            start = held["at"].get(d.id)
            chunk = p.datasets[start:start + CHUNK] if start is not None else [d]
            held["ids"], held["index"] = {x.id for x in chunk}, _index(datasets_triples(p, chunk))
        return held["index"]

    def score(self, d: Dataset, inputs: Inputs) -> Score:
        p = inputs.portfolio
        g = self._described(d, inputs)
        T, DCT = DCAT, DCTERMS
        props = g[URIRef(p.catalog.portal.base_url + urls.dataset_page(d.id) + "#dataset")]
        dists = sorted(props.get(T.distribution, []))
        base = p.catalog.portal.base_url

        def reachable(url: Any) -> bool | None:
            text = str(url)
            if text.startswith(base):
                return True  # published by this build
            return inputs.links.reachable(text) if inputs.links else None

        def share(test) -> tuple[float, int, list[bool | None]]:
            answers = [test(g[x]) for x in dists]
            return (sum(1 for a in answers if a) / len(answers) if answers else 0.0), len(answers), answers

        def codes(dist: dict) -> list[str]:
            return [str(f).rsplit("/", 1)[-1] for f in dist.get(DCT.format, []) if str(f).startswith(EU + "file-type/")]

        def interop(dist: dict) -> dict[str, float]:
            fmt = codes(dist)
            media = dist.get(T.mediaType, [])
            vocab = (5.0 if fmt else 0.0) + (5.0 if any(str(m).startswith(IANA) for m in media) else 0.0)
            return {"interoperability.format": 20.0 if dist.get(DCT.format) else 0.0,
                    "interoperability.media-type": 10.0 if media else 0.0,
                    "interoperability.vocabulary": vocab,
                    "interoperability.non-proprietary": 20.0 if any(c in NON_PROPRIETARY for c in fmt) else 0.0,
                    "interoperability.machine-readable": 20.0 if any(c in MACHINE_READABLE for c in fmt) else 0.0}

        best = max((interop(g[x]) for x in dists), key=lambda r: (sum(r.values())), default={})
        rights = props.get(DCT.accessRights, [])
        shares = {
            "accessibility.access-url": share(lambda x: any(reachable(u) for u in x.get(T.accessURL, [])) or
                                              (None if any(reachable(u) is None for u in x.get(T.accessURL, []))
                                               else False)),
            "accessibility.download-url": share(lambda x: bool(x.get(T.downloadURL))),
            "accessibility.download-url-ok": share(lambda x: any(reachable(u) for u in x.get(T.downloadURL, []))),
            "reusability.licence": share(lambda x: bool(x.get(DCT.license))),
            "reusability.licence-vocabulary": share(
                lambda x: any(str(lic).startswith(EU + "licence/") for lic in x.get(DCT.license, []))),
            "contextuality.rights": share(lambda x: bool(x.get(DCT.rights))),
            "contextuality.byte-size": share(lambda x: bool(x.get(T.byteSize))),
        }
        present = {
            "findability.keyword": bool(props.get(T.keyword)),
            "findability.theme": bool(props.get(T.theme)),
            "findability.spatial": bool(props.get(DCT.spatial)),
            "findability.temporal": bool(props.get(DCT.temporal)),
            "interoperability.dcat-ap": True,
            "reusability.access-rights": bool(rights),
            "reusability.access-rights-vocabulary": any(str(r).startswith(EU + "access-right/") for r in rights),
            "reusability.contact": bool(props.get(T.contactPoint)),
            "reusability.publisher": bool(props.get(DCT.publisher)),
            "contextuality.issued": bool(props.get(DCT.issued)),
            "contextuality.modified": bool(props.get(DCT.modified)),
        }
        criteria = []
        for cid, prop, vi, en, weight, why_vi, why_en in INDICATORS:
            if cid in shares:
                part, n, answers = shares[cid]
                points = round(weight * part, 2)
                yes = sum(1 for a in answers if a)
                unknown = sum(1 for a in answers if a is None)
                ok: bool | None = yes == n and n > 0
                if not ok and unknown:
                    ok = None
                detail_vi = f"{yes}/{n} bản phân phối" + (f", {unknown} chưa kiểm tra" if unknown else "")
                detail_en = f"{yes}/{n} distributions" + (f", {unknown} not checked yet" if unknown else "")
            elif cid in best:
                points = best[cid]
                ok = points == weight
                detail_vi, detail_en = "bản phân phối tốt nhất", "best distribution"
            else:
                ok = present.get(cid, False)
                points = float(weight) if ok else 0.0
                detail_vi = detail_en = ""
            criteria.append(Criterion(cid, *LABELS[cid], why_vi, why_en, points, float(weight), ok,
                                      sys.intern(detail_vi), sys.intern(detail_en)))
        total = round(sum(c.points for c in criteria), 2)
        band = next(b for limit, b in BANDS if total >= limit)
        return Score(self.id, "Đánh giá chất lượng siêu dữ liệu EU (MQA)", "EU Metadata Quality Assessment (MQA)",
                     criteria, band, DIMENSIONS)
