"""Benchmark: the search index at 10,000 datasets (size raw and gzipped, query time), beside a baseline.

    python benchmarks/search_index.py [--datasets 10000] [--out index.json] [--baseline REF]

Generates realistic metadata for a province (about 40 agencies: departments,
district and commune people's committees; 10 topics; titles, 1-4 sentence
descriptions and keywords drawn from the kinds of datasets Vietnamese
provinces publish), builds the index with generator/publish/discovery/search_index.py
and times queries with theme/assets/search.js under node (the same code the
browser runs). Goal: <= 1 MB gzipped; a query well under 50 ms.

The baseline is the same two files at git REF (default: main), run in the same process on the same
metadata, queries interleaved, so the ratios hold on a busy machine.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.portal.model import Agency, Catalog, CatalogueEntry, Dataset, Portal, Portfolio, Resource, Topic  # noqa: E402
from generator.publish.discovery import search_index  # noqa: E402
from generator.text import slugify  # noqa: E402
from generator.portal.vocabularies import FREQUENCIES  # noqa: E402

PLACES = ["Thành phố Vĩnh Yên", "Thành phố Phúc Yên", "Huyện Bình Xuyên", "Huyện Lập Thạch", "Huyện Sông Lô",
          "Huyện Tam Dương", "Huyện Tam Đảo", "Huyện Vĩnh Tường", "Huyện Yên Lạc", "Xã Đại Đình", "Xã Hợp Châu",
          "Phường Đồng Tâm", "Phường Liên Bảo", "Xã Tam Hồng", "Thị trấn Hương Canh", "Xã Đạo Trù", "Xã Bồ Lý",
          "Phường Xuân Hòa", "Thị trấn Thổ Tang", "Xã Sơn Lôi"]
SUBJECTS = [
    ("Danh sách trường học", "giao-duc", ["trường học", "giáo dục", "học sinh"]),
    ("Cơ sở khám chữa bệnh", "y-te", ["y tế", "bệnh viện", "trạm y tế"]),
    ("Kết quả quan trắc chất lượng không khí", "moi-truong", ["không khí", "quan trắc", "bụi mịn"]),
    ("Doanh nghiệp đăng ký thành lập mới", "kinh-te", ["doanh nghiệp", "đăng ký kinh doanh"]),
    ("Dân số trung bình", "dan-cu", ["dân số", "thống kê"]),
    ("Hệ thống đường giao thông", "giao-thong", ["đường", "giao thông", "hạ tầng"]),
    ("Dự toán thu chi ngân sách", "tai-chinh", ["ngân sách", "tài chính công"]),
    ("Chợ truyền thống và trung tâm thương mại", "kinh-te", ["chợ", "thương mại"]),
    ("Điểm du lịch và di tích lịch sử", "giao-duc", ["du lịch", "di tích", "văn hóa"]),
    ("Nhà văn hóa thôn, tổ dân phố", "giao-duc", ["văn hóa", "thiết chế"]),
    ("Kết quả giải quyết thủ tục hành chính", "hanh-chinh", ["thủ tục hành chính", "dịch vụ công"]),
    ("Lịch tiếp công dân", "hanh-chinh", ["tiếp công dân", "khiếu nại"]),
    ("Chỉ số giá tiêu dùng", "kinh-te", ["CPI", "giá cả", "lạm phát"]),
    ("Diện tích gieo trồng cây hằng năm", "kinh-te", ["nông nghiệp", "trồng trọt"]),
    ("Quy hoạch sử dụng đất", "dia-gioi", ["đất đai", "quy hoạch"]),
    ("Đơn vị hành chính cấp xã", "dia-gioi", ["địa giới", "xã phường"]),
    ("Điểm thu gom rác thải sinh hoạt", "moi-truong", ["rác thải", "vệ sinh môi trường"]),
    ("Tuyến xe buýt và điểm dừng", "giao-thong", ["xe buýt", "vận tải"]),
    ("Hộ nghèo, hộ cận nghèo", "dan-cu", ["giảm nghèo", "an sinh xã hội"]),
    ("Cơ sở sản xuất kinh doanh thực phẩm", "y-te", ["an toàn thực phẩm", "cơ sở sản xuất"]),
    ("Giá đất ở", "tai-chinh", ["giá đất", "bảng giá"]),
    ("Dự án đầu tư công", "tai-chinh", ["đầu tư công", "dự án"]),
    ("Trạm sạc xe điện và cây xăng", "giao-thong", ["năng lượng", "xăng dầu"]),
    ("Khu công nghiệp và cụm công nghiệp", "kinh-te", ["khu công nghiệp", "đầu tư"]),
]
SENTENCES = [
    "Dữ liệu gồm tên, địa chỉ, số điện thoại liên hệ và tọa độ của từng {obj} trên địa bàn {place}.",
    "Số liệu được tổng hợp từ báo cáo định kỳ của các phòng chuyên môn và Ủy ban nhân dân cấp xã, cập nhật đến {when}.",
    "Mỗi dòng là một {obj}; các mã đơn vị hành chính theo Danh mục đơn vị hành chính Việt Nam của Tổng cục Thống kê.",
    "Bộ dữ liệu phục vụ người dân, doanh nghiệp tra cứu và các cơ quan nghiên cứu, lập kế hoạch phát triển kinh tế - xã hội.",
    "Giá trị để trống là chưa có số liệu; số liệu năm gần nhất là số ước tính và có thể được điều chỉnh.",
    "Thông tin được công khai theo quy định về công bố dữ liệu mở của cơ quan nhà nước.",
    "Kèm theo là tài liệu đặc tả mô tả ý nghĩa, đơn vị tính và phương pháp tính của từng trường dữ liệu.",
    "Nguồn: {agency}; đơn vị tính theo quy định của ngành.",
]
FIELDS = ["mã số thuế", "tên đơn vị", "địa chỉ trụ sở", "số điện thoại", "người đại diện", "ngày cấp phép", "quy mô giường bệnh",
          "số học sinh", "số giáo viên", "diện tích sàn", "vốn điều lệ", "ngành nghề kinh doanh", "tọa độ", "năm thành lập",
          "số lao động", "công suất thiết kế", "lượng khách", "doanh thu", "số hộ", "chiều dài tuyến", "bề rộng mặt đường",
          "cấp đường", "tải trọng cầu", "nồng độ bụi PM10", "chỉ số AQI", "lượng mưa", "mực nước", "số thửa", "loại đất",
          "mục đích sử dụng", "thời hạn", "giá trị hợp đồng", "tiến độ giải ngân", "nguồn vốn", "chủ đầu tư", "số hồ sơ",
          "số hồ sơ trễ hạn", "tỷ lệ đúng hạn", "lĩnh vực", "giờ mở cửa", "số gian hàng", "xếp hạng di tích", "sức chứa",
          "số tuyến", "tần suất chạy xe", "giá vé", "số hộ nghèo", "tỷ lệ hộ nghèo", "mã vạch sản phẩm", "giấy chứng nhận"]
AGENCY_NAMES = ["Sở Thông tin và Truyền thông", "Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo",
                "Sở Tài nguyên và Môi trường", "Sở Giao thông vận tải", "Sở Công Thương", "Sở Nông nghiệp và Phát triển nông thôn",
                "Sở Văn hóa, Thể thao và Du lịch", "Sở Lao động - Thương binh và Xã hội", "Sở Xây dựng", "Sở Tư pháp", "Sở Nội vụ",
                "Sở Khoa học và Công nghệ", "Cục Thống kê", "Ban Quản lý các khu công nghiệp", "Công an tỉnh", "Bảo hiểm xã hội tỉnh",
                "Cục Thuế tỉnh"] + [f"Ủy ban nhân dân {p}" for p in PLACES]
TOPICS = [("hanh-chinh", "Hành chính công"), ("kinh-te", "Kinh tế và doanh nghiệp"), ("tai-chinh", "Tài chính, ngân sách"),
          ("y-te", "Y tế"), ("giao-duc", "Giáo dục, văn hóa, thể thao"), ("moi-truong", "Tài nguyên và môi trường"),
          ("dan-cu", "Dân cư và xã hội"), ("dia-gioi", "Địa giới hành chính, quy hoạch"), ("giao-thong", "Giao thông vận tải")]
FORMAT_SETS = [["csv"], ["xlsx"], ["csv", "pdf"], ["xlsx", "docx"], ["xls"], ["pdf"], ["csv", "api"], ["doc"]]


def make_portfolio(n: int, seed: int = 42) -> Portfolio:
    rnd = random.Random(seed)
    portal = Portal("vp", "Cổng dữ liệu mở", "Open data", "DLM", "Vĩnh Phúc", "example.invalid", "https://example.invalid/",
                    "vi", "a0", {}, "CC-BY-4.0", [])
    agencies = {f"a{i}": Agency(f"a{i}", name, "", "so", "x@example.invalid", "", []) for i, name in enumerate(AGENCY_NAMES)}
    topics = {tid: Topic(tid, name, "", "GOVE") for tid, name in TOPICS}
    entries, datasets = {}, []
    for i in range(n):
        subject, topic, keywords = SUBJECTS[rnd.randrange(len(SUBJECTS))]
        place = rnd.choice(PLACES)
        year = rnd.randint(2015, 2025)
        agency = rnd.choice(list(agencies.values()))
        title = rnd.choice(["{s} {p} năm {y}", "{s} trên địa bàn {p}", "{s} {p}, giai đoạn {y0}-{y}", "{s} tỉnh Vĩnh Phúc năm {y}"]
                           ).format(s=subject, p=place, y=year, y0=year - 5)
        obj = subject.split(" ")[0].lower() + " " + subject.split(" ")[1].lower()
        sentences = rnd.sample(SENTENCES, rnd.randint(1, 4))
        # A sentence listing some of the table's columns, as agencies often write: the varied part.
        fields = ", ".join(rnd.sample(FIELDS, rnd.randint(3, 7)))
        description = f"{subject} {place} năm {year}, gồm {rnd.randint(12, 4800)} bản ghi với các trường: {fields}. " + " ".join(
            s.format(obj=obj, place=place, when=f"31/12/{year}", agency=agency.name) for s in sentences)
        code = f"E{i:05d}"
        entries[code] = CatalogueEntry(code, title, "", agency.id, topic, "annual", "", "")
        modified = f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}T09:00:00+07:00"
        datasets.append(Dataset(
            id=f"{slugify(title)[:60].strip('-')}-{i}", agency=agency.id, folder=Path("."), rel_folder="", descriptor_file="",
            title=title, title_en="", description=description, catalogue=code,
            frequency=rnd.choice(list(FREQUENCIES)), keywords=keywords + rnd.sample(["mở", place.lower(), str(year), "thống kê"], 2),
            licence="CC-BY-4.0", contact={},
            resources=[Resource(f"r{j}", "", "", f, "x", "", None, None, {}) for j, f in enumerate(rnd.choice(FORMAT_SETS))],
            descriptor={}, created=modified, modified=modified))
    catalog = Catalog(portal, agencies, topics, {}, entries, "2025-01-01")
    return Portfolio(catalog, datasets, "0" * 40, "2025-01-01T00:00:00+07:00", 0)


NODE_TIMER = r"""
const load = (code, index) => {
  const mod = { exports: {} };
  new Function("module", "exports", require("fs").readFileSync(code, "utf8"))(mod, mod.exports);
  const data = JSON.parse(require("fs").readFileSync(index, "utf8"));
  let t0 = process.hrtime.bigint();
  const built = new mod.exports.Index(data);
  const prepare = Number(process.hrtime.bigint() - t0) / 1e6;
  return [built, prepare];
};
// A query before the word lists are built (the first moments of the page) scans.
const firstQuery = (index) => {
  const t0 = process.hrtime.bigint();
  index.search("truong hoc", {});
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const [ours, oursPrepare] = load(process.argv[2], process.argv[3]);
const oursFirst = firstQuery(ours);
let t1 = process.hrtime.bigint();
if (ours.build) ours.build(0);  // in the browser: after the page shows, a slice at a time
const oursLists = Number(process.hrtime.bigint() - t1) / 1e6;
const [base, basePrepare] = load(process.argv[4], process.argv[5]);
const baseFirst = firstQuery(base);
const queries = ["ha noi", "truong hoc", "khong khi vinh yen", "duong giao thong", "vinh phuc", "doanh ngh",
                 "y te tam dao 2024", "ngan sach", "c", "cho truyen thong phuc yen", "Đầu tư công", "dau tu"];
const time = (index, q) => {
  index.search(q, {});
  let r, t0 = process.hrtime.bigint();
  for (let k = 0; k < 20; k++) r = index.search(q, {agency: [], topic: [], format: ["csv"], frequency: []});
  return [Number(process.hrtime.bigint() - t0) / 1e6 / 20, r.hits.length];
};
const out = {};
for (const q of queries) out[q] = [time(ours, q), time(base, q)];
console.log(JSON.stringify({prepare: [oursPrepare, basePrepare], first: [oursFirst, baseFirst], lists: oursLists,
                            queries: out}));
"""


def baseline_module(ref: str, tmp: Path):
    """generator/publish/discovery/search_index.py and theme/assets/search.js as they are at `ref`."""
    def show(path: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:{path}"], capture_output=True, text=True,
                              check=True).stdout
    (tmp / "baseline-search.js").write_text(show("theme/assets/search.js"))
    spec = importlib.util.spec_from_loader("generator.publish._baseline_search_index", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "generator.publish"
    exec(compile(show("generator/publish/discovery/search_index.py"), f"{ref}:search_index.py", "exec"), module.__dict__)
    return module, tmp / "baseline-search.js"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--datasets", type=int, default=10_000)
    ap.add_argument("--out", type=Path, help="also write the index here")
    ap.add_argument("--baseline", default="main", help="git ref of the baseline (default: main)")
    args = ap.parse_args()
    portfolio = make_portfolio(args.datasets)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        old, old_js = baseline_module(args.baseline, tmp)
        sizes = {}
        for name, module in (("ours", search_index), ("baseline", old)):
            started = time.perf_counter()
            text = module.dumps(module.build(portfolio))
            built = time.perf_counter() - started
            raw = text.encode("utf-8")
            gz = gzip.compress(raw, compresslevel=9, mtime=0)
            (tmp / f"{name}.json").write_bytes(raw)
            sizes[name] = (len(raw), len(gz), built)
        if args.out:
            args.out.write_bytes((tmp / "ours.json").read_bytes())
        timer = tmp / "timer.js"
        timer.write_text(NODE_TIMER)
        result = subprocess.run(["node", str(timer), str(ROOT / "theme/assets/search.js"), str(tmp / "ours.json"),
                                 str(old_js), str(tmp / "baseline.json")], capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(result.stderr)
        timing = json.loads(result.stdout)
    (raw, gz, built), (braw, bgz, bbuilt) = sizes["ours"], sizes["baseline"]
    print(f"datasets: {args.datasets}  baseline: {args.baseline}")
    print(f"index built in {built:.2f} s (baseline {bbuilt:.2f} s)")
    print(f"index size: {raw / 1e6:.2f} MB raw, {gz / 1e6:.3f} MB gzipped ({gz / args.datasets:.0f} B per dataset); "
          f"baseline {braw / 1e6:.2f} MB raw, {bgz / 1e6:.3f} MB gzipped; ratio {gz / bgz:.2f}  "
          f"goal <= 1 MB gzipped: {'met' if gz <= 1_000_000 else 'NOT met'}")
    ours_prep, base_prep = timing["prepare"]
    print(f"node: prepare index {ours_prep:.0f} ms, baseline {base_prep:.0f} ms, ratio {ours_prep / base_prep:.2f} "
          "(once per page load, before the first results)")
    ours_first, base_first = timing["first"]
    print(f"      first query (before the word lists): {ours_first:.1f} ms, baseline {base_first:.1f} ms")
    print(f"      word lists built after the page shows, in slices: {timing['lists']:.0f} ms in all")
    total_ours = total_base = 0.0
    for q, ((ms, hits), (bms, bhits)) in timing["queries"].items():
        total_ours += ms
        total_base += bms
        print(f"  query {q!r:30} {ms:6.2f} ms {hits:5d} hits   baseline {bms:6.2f} ms {bhits:5d} hits   ratio {ms / bms:.2f}")
    print(f"  all queries: {total_ours:.1f} ms, baseline {total_base:.1f} ms, ratio {total_ours / total_base:.2f}")


if __name__ == "__main__":
    main()
