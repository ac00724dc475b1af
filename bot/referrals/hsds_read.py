"""Reading Open Referral HSDS sources into 3.0-shaped service objects, each with where it was written.

- 3.0 JSON: one service object, an array of them, or an API page ({"contents": [...]}).
- Tabular: a folder of CSV files (with datapackage.json), 3.0 names or the older 1.1 / 2.0.1 ones
  (services_at_location.csv, physical_addresses.csv, regular_schedules.csv, service_attributes.csv, ...).
  Rows are joined on their id columns into the same nested shape as 3.0 JSON. Each nested row keeps
  its own "file:row" under WHERE, so a problem points at the row to fix.
Rows that belong to no service, and tables the bot does not use, are reported, never silently dropped.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from bot.flow.problems import display_path
from bot.referrals.json_lines import line_index, line_of

WHERE = "_where"
# Table -> the file names it has had (3.0 first).
TABLES = {
    "services": ("services.csv",),
    "organizations": ("organizations.csv",),
    "locations": ("locations.csv",),
    "service_at_location": ("service_at_location.csv", "services_at_location.csv"),
    "phones": ("phones.csv",),
    "addresses": ("addresses.csv", "physical_addresses.csv"),
    "schedules": ("schedules.csv", "regular_schedules.csv"),
    "service_areas": ("service_areas.csv",),
    "languages": ("languages.csv",),
    "attributes": ("attributes.csv", "service_attributes.csv", "services_taxonomy.csv"),
    "taxonomy_terms": ("taxonomy_terms.csv", "taxonomy.csv"),
}
# datapackage.json resource names (3.0 and older) -> table.
RESOURCES = {
    "service": "services", "organization": "organizations", "location": "locations",
    "service_at_location": "service_at_location", "phone": "phones", "address": "addresses",
    "physical_address": "addresses", "schedule": "schedules", "regular_schedule": "schedules",
    "service_area": "service_areas", "language": "languages", "attribute": "attributes",
    "service_attribute": "attributes", "service_taxonomy": "attributes", "taxonomy_term": "taxonomy_terms",
    "taxonomy": "taxonomy_terms",
}
csv.field_size_limit(1 << 24)


@dataclass
class Source:
    """What a source holds: services in 3.0 shape with where each was written, and notes about the rest."""

    services: list[tuple[str, dict]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # "file:row: field: reason" lines


class SourceError(Exception):
    """The source cannot be read at all (not a file or folder, not JSON, no services table)."""


def read_source(path: Path) -> Source:
    """The services in an HSDS JSON file or tabular folder."""
    if path.is_dir():
        return _read_tabular(path)
    if path.name == "datapackage.json":
        return _read_tabular(path.parent)
    if path.is_file():
        return _read_json(path)
    raise SourceError(f"{path} is not a file or a folder")


def _read_json(path: Path) -> Source:
    file = display_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError) as err:
        raise SourceError(f"{file}: cannot read it ({err})") from None
    except json.JSONDecodeError as err:
        raise SourceError(f"{file}:{err.lineno}: not valid JSON ({err.msg})") from None
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        items, prefix = data["contents"], ("contents",)
    elif isinstance(data, list):
        items, prefix = data, ()
    elif isinstance(data, dict):
        items, prefix = [data], None
    else:
        raise SourceError(f"{file}:1: expected a service, an array of services or a page with contents")
    lines = line_index(text) if len(text) < 50_000_000 else {}
    source = Source()
    for index, item in enumerate(items):
        where = f"{file}:{line_of(lines, (*prefix, index)) if prefix is not None else 1}"
        if isinstance(item, dict):
            source.services.append((where, item))
        else:
            source.notes.append(f"{where}: service: not an object, so not a service")
    return source


def _read_tabular(folder: Path) -> Source:
    files = _table_files(folder)
    if "services" not in files:
        raise SourceError(f"{display_path(folder)}: no services.csv (an HSDS tabular folder needs one)")
    source = Source()
    tables = {name: _rows(path) for name, path in files.items()}
    used = {path.name for path in files.values()}
    for extra in sorted(folder.glob("*.csv")):
        if extra.name not in used:
            source.notes.append(f"{display_path(extra)}: table: not read (the bot does not use {extra.stem})")

    def by(table: str, column: str) -> dict[str, list[dict]]:
        index: dict[str, list[dict]] = {}
        for row in tables.get(table, ()):
            if row.get(column):
                index.setdefault(row[column], []).append(row)
        return index

    organizations = {r["id"]: r for r in tables.get("organizations", ()) if r.get("id")}
    taxonomy = {r["id"]: r for r in tables.get("taxonomy_terms", ()) if r.get("id")}
    addresses = by("addresses", "location_id")
    location_rows = {r["id"]: r for r in tables.get("locations", ()) if r.get("id")}
    spoken = by("languages", "phone_id")
    for row in tables.get("phones", ()):
        row["languages"] = spoken.get(row.get("id") or "", [])
    phones_by = {column: by("phones", column) for column in ("service_id", "service_at_location_id",
                                                             "location_id", "organization_id")}
    schedules_by = {column: by("schedules", column) for column in ("service_id", "service_at_location_id")}

    def location(location_id: str) -> dict | None:
        row = location_rows.get(location_id)
        if row is None:
            return None
        return {**row, "addresses": addresses.get(location_id, []), "phones": phones_by["location_id"].get(
            location_id, [])}

    service_ids = {r.get("id") for r in tables["services"]}
    links = by("service_at_location", "service_id")
    areas, languages = by("service_areas", "service_id"), by("languages", "service_id")
    attributes = {**by("attributes", "service_id"), **by("attributes", "link_id")}
    for row in tables["services"]:
        ident = row.get("id", "")
        service = dict(row)
        service["phones"] = phones_by["service_id"].get(ident, [])
        service["schedules"] = schedules_by["service_id"].get(ident, [])
        service["service_areas"] = areas.get(ident, [])
        service["languages"] = languages.get(ident, [])
        service["attributes"] = [{**a, "taxonomy_term": taxonomy.get(a.get("taxonomy_term_id") or
                                                                     a.get("taxonomy_id") or "", {})}
                                 for a in attributes.get(ident, [])]
        organization = organizations.get(row.get("organization_id") or "")
        if organization is not None:
            service["organization"] = {**organization, "phones": phones_by["organization_id"].get(
                organization["id"], [])}
        service["service_at_locations"] = [
            {**link, "location": location(link.get("location_id") or ""),
             "phones": phones_by["service_at_location_id"].get(link.get("id") or "", []),
             "schedules": schedules_by["service_at_location_id"].get(link.get("id") or "", [])}
            for link in links.get(ident, [])]
        source.services.append((row[WHERE], service))
    # Rows that name a service the folder does not have would otherwise vanish.
    for table in ("phones", "schedules", "service_areas", "languages", "service_at_location"):
        for row in tables.get(table, ()):
            if row.get("service_id") and row["service_id"] not in service_ids:
                source.notes.append(f"{row[WHERE]}: service_id: no service with this id, so this row is not read")
    return source


def _table_files(folder: Path) -> dict[str, Path]:
    """Each table's file: where datapackage.json puts it, else found by its 3.0 or older file name."""
    files: dict[str, Path] = {}
    package = folder / "datapackage.json"
    if package.is_file():
        try:
            resources = json.loads(package.read_text(encoding="utf-8")).get("resources", [])
            for resource in resources:
                table = RESOURCES.get(str(resource.get("name", "")))
                path = folder / str(resource.get("path", ""))
                if table and table not in files and path.is_file() and path.suffix == ".csv":
                    files[table] = path
        except (ValueError, AttributeError, OSError):
            pass  # the file names below still find the tables
    for table, names in TABLES.items():
        for name in names:
            if table not in files and (folder / name).is_file():
                files[table] = folder / name
    return files


def _rows(path: Path) -> list[dict]:
    """The rows of a CSV file, each with its own "file:row" (row 1 is the header)."""
    file = display_path(path)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = []
        for row in reader:
            clean = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            clean[WHERE] = f"{file}:{reader.line_num}"
            rows.append(clean)
    return rows
