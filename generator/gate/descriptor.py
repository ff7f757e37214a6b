"""Descriptor checks: a valid Data Package (frictionless' verdict as one signal) with the portal's required fields.

The loader already refused what the build cannot go on without; these are
the rest of the gate: required metadata, values from their lists, and Table
Schemas that frictionless and our row checks can both use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from generator import codes
from generator.problems import Problems
from generator.portal.model import Catalog, Dataset

if TYPE_CHECKING:
    from generator.build.cache import Cache

REQUIRED = {
    "title": ("tên bộ dữ liệu", "the dataset's title"),
    "description": ("mô tả", "a description"),
    "licenses": ("giấy phép", "the licence"),
    "catalogue": ("mã danh mục", "the catalogue code"),
    "frequency": ("tần suất cập nhật", "the update frequency"),
    "keywords": ("từ khóa", "keywords"),
    "contact": ("đầu mối liên hệ", "a contact"),
}
FIELD_TYPES = {"string", "integer", "number", "boolean", "date", "datetime", "time", "year", "yearmonth", "any"}
NUMERIC_CONSTRAINTS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
LENGTH_CONSTRAINTS = {"minLength", "maxLength"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_descriptor(dataset: Dataset, catalog: Catalog, problems: Problems, cache: Cache | None = None,
                     later: Callable[[Dataset, int], None] | None = None) -> None:
    """`cache`: where frictionless' verdict on a descriptor is kept (see frictionless_verdict); `later(dataset,
    position)`: that verdict is another's to give, and its problems go at that position of `problems.items`."""
    rel = dataset.descriptor_file
    data = dataset.descriptor
    for key, (vi, en) in REQUIRED.items():
        if data.get(key) in (None, "", [], {}):
            problems.error(rel, f"thiếu {vi} (“{key}”), bắt buộc với mọi bộ dữ liệu.", f"{en} (“{key}”) is missing; every dataset needs it.",
                           f"thêm “{key}:” vào {rel}.", f"add “{key}:” to {rel}.", where=key, code="missing-metadata")
    contact = data.get("contact")
    if isinstance(contact, dict):
        email = str(contact.get("email") or "")
        if not email and not contact.get("phone"):
            problems.error(rel, "đầu mối liên hệ cần email hoặc số điện thoại.", "the contact needs an e-mail or a phone number.",
                           "thêm “email:” hoặc “phone:” dưới “contact:”.", "add “email:” or “phone:” under “contact:”.",
                           where="contact", code="missing-metadata")
        if email and not EMAIL.match(email):
            problems.error(rel, f"email liên hệ “{email}” không hợp lệ.", f"contact e-mail “{email}” is not valid.",
                           "sửa địa chỉ email.", "correct the e-mail address.", where="contact.email", code="invalid-metadata")
    entry = catalog.entries.get(dataset.catalogue)
    if entry and dataset.frequency and entry.frequency != dataset.frequency:
        problems.warning(rel, f"tần suất “{dataset.frequency}” khác tần suất trong danh mục (“{entry.frequency}”).",
                         f"frequency “{dataset.frequency}” differs from the catalogue's (“{entry.frequency}”).",
                         "cập nhật theo tần suất đã đăng ký trong danh mục, hoặc đề nghị người duyệt sửa danh mục.",
                         "follow the frequency registered in the catalogue, or ask a reviewer to change it.",
                         where="frequency", code="frequency-mismatch")
    if later is not None:
        later(dataset, len(problems.items))
    else:
        report_verdict(dataset, frictionless_verdict(dataset, cache), problems)
    from generator.gate import units as unit_checks
    from generator.portal import units

    listed = units.lazily(units.root_of(dataset))
    for i, resource in enumerate(dataset.resources):
        if resource.schema is not None:
            check_schema(resource.schema, rel, f"resources[{i + 1}].schema", resource.name, problems)
            unit_checks.check_declarations(resource.schema, rel, f"resources[{i + 1}].schema", resource.name,
                                           problems, listed)


def report_verdict(dataset: Dataset, verdict: list, problems: Problems) -> None:
    for note, code in verdict:
        _package_error(dataset, note, code, problems)


def frictionless_verdict(dataset: Dataset, cache: Cache | None = None) -> list:
    """frictionless' own metadata validation of the Data Package, as one signal: [note, code] per error.

    The verdict is a function of the descriptor alone: with a `cache` it is kept under the descriptor (its exact
    Python value: a date and its text are not the same descriptor) and frictionless' version, so a descriptor
    validated before costs neither the validation nor importing frictionless (about a second)."""
    entry_key = None
    if cache is not None and cache.folder is not None:
        from importlib.metadata import version

        entry_key = cache.key("frictionless-verdict", version("frictionless"), repr(dataset.descriptor))
        hit = cache.get(entry_key)
        if hit is not None:
            return [[str(note), str(code)] for note, code in hit.meta]
    from frictionless import FrictionlessException, Package

    try:
        errors = list(Package.metadata_validate(dataset.descriptor))
    except FrictionlessException as exc:
        errors = [exc.error]
    except Exception as exc:  # frictionless may trip over unexpected shapes; report, never crash
        errors = [exc]
    verdict = [[getattr(error, "note", None) or str(error), codes.known(getattr(error, "type", ""), "package-error")]
               for error in errors]
    if entry_key is not None:
        cache.put(entry_key, verdict)
    return verdict


def _package_error(dataset: Dataset, note: str, code: str, problems: Problems) -> None:
    problems.error(dataset.descriptor_file, f"tệp mô tả không phải Data Package hợp lệ: {note}.",
                   f"the descriptor is not a valid Data Package: {note}.",
                   "sửa theo đặc tả Data Package (https://specs.frictionlessdata.io/data-package/).",
                   "correct it following the Data Package specification.", code=code)


def check_schema(schema: dict, rel: str, where: str, resource: str, problems: Problems) -> None:
    fields = schema.get("fields") or []
    names: list[str] = []
    for j, field in enumerate(fields):
        at = f"{where}.fields[{j + 1}]"
        if not isinstance(field, dict) or not isinstance(field.get("name"), str) or not field["name"]:
            problems.error(rel, f"cột thứ {j + 1} của “{resource}” thiếu “name”.", f"field {j + 1} of “{resource}” has no “name”.",
                           "đặt “name:” trùng tên cột ở dòng tiêu đề của bảng.", "set “name:” to the column's header label.",
                           where=at, code="schema-error", resource=resource)
            continue
        name = field["name"]
        if name in names:
            problems.error(rel, f"tên cột “{name}” bị trùng trong đặc tả của “{resource}”.",
                           f"field name “{name}” appears twice in the schema of “{resource}”.",
                           "mỗi cột một tên riêng.", "give each field its own name.", where=at, code="schema-error",
                           resource=resource, field=name)
        names.append(name)
        ftype = field.get("type", "string")
        if ftype not in FIELD_TYPES:
            problems.error(rel, f"kiểu “{ftype}” của cột “{name}” không được hỗ trợ.", f"type “{ftype}” of field “{name}” is not supported.",
                           f"dùng một trong: {', '.join(sorted(FIELD_TYPES))}.", f"use one of: {', '.join(sorted(FIELD_TYPES))}.",
                           where=f"{at}.type", code="schema-error", resource=resource, field=name)
        constraints = field.get("constraints") or {}
        if not isinstance(constraints, dict):
            problems.error(rel, f"“constraints” của cột “{name}” phải là bảng khóa: giá trị.",
                           f"“constraints” of field “{name}” must be a mapping.", where=f"{at}.constraints",
                           code="schema-error", resource=resource, field=name)
            continue
        for key, value in constraints.items():
            bad = (key in LENGTH_CONSTRAINTS and not (isinstance(value, int) and not isinstance(value, bool) and value >= 0)) \
                or (key in NUMERIC_CONSTRAINTS and ftype in ("integer", "number") and not isinstance(value, (int, float))) \
                or (key in ("required", "unique") and not isinstance(value, bool)) \
                or (key == "enum" and not isinstance(value, list)) \
                or (key == "pattern" and not _regex_ok(value))
            if bad:
                problems.error(rel, f"ràng buộc “{key}: {value}” của cột “{name}” không hợp lệ.",
                               f"constraint “{key}: {value}” of field “{name}” is not valid.",
                               "sửa giá trị ràng buộc (số cho minimum/maximum, true/false cho required/unique, danh sách cho enum, biểu thức chính quy cho pattern).",
                               "correct it (numbers for minimum/maximum, true/false for required/unique, a list for enum, a regular expression for pattern).",
                               where=f"{at}.constraints.{key}", code="schema-error", resource=resource, field=name)
    key = schema.get("primaryKey")
    keys = [key] if isinstance(key, str) else (key or [])
    for k in keys:
        if k not in names:
            problems.error(rel, f"khóa chính “{k}” không phải một cột của “{resource}”.", f"primary key “{k}” is not a field of “{resource}”.",
                           f"dùng tên cột có trong “fields”: {', '.join(names)}.", f"use a field name from “fields”: {', '.join(names)}.",
                           where=f"{where}.primaryKey", code="schema-error", resource=resource)


def _regex_ok(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        re.compile(value)
    except re.error:
        return False
    return True
