"""agencies.csv and agencies_review.csv, built from the mentions of every
document (so that they come out the same whether documents were processed in
one process, in a pool, on a cluster, or read from the cache)."""
from __future__ import annotations

from pathlib import Path

from extract.model import Document

from .writers import write_csv

AGENCY_COLUMNS = ["agency_id", "agency_name", "agency_type", "level", "locality", "aliases", "successor"]
REVIEW_COLUMNS = ["mention", "agency_id", "agency_name", "agency_type", "level", "proposed_agency_id",
                  "proposed_agency_name", "proposed_agency_type", "proposed_level", "match_method",
                  "match_score", "candidate_1", "score_1", "candidate_2", "score_2", "candidate_3",
                  "score_3", "doc_locality", "count", "doc_ids"]


def side_rows(doc: Document) -> tuple[list[dict], list[dict]]:
    """(agency rows, review rows) contributed by one document."""
    agencies: dict[str, dict] = {}
    review: dict[tuple[str, str], dict] = {}
    for t in doc.tasks:
        for m in t.lead + t.support:
            if not m.agency_id:
                continue
            row = agencies.setdefault(m.agency_id, {
                "agency_id": m.agency_id, "agency_name": m.agency_name, "agency_type": m.agency_type,
                "level": m.level, "locality": m.agency_locality, "aliases": [], "successor": m.successor})
            if m.mention not in row["aliases"]:
                row["aliases"].append(m.mention)
            if m.match_method not in ("fuzzy", "new"):
                continue
            key = (m.mention, m.agency_id)
            if key in review:
                review[key]["count"] += 1
                continue
            cands = (m.candidates[:3] + [("", "")] * 3)[:3]
            review[key] = {
                "mention": m.mention, "agency_id": "", "agency_name": "", "agency_type": "", "level": "",
                "proposed_agency_id": m.agency_id, "proposed_agency_name": m.agency_name,
                "proposed_agency_type": m.agency_type, "proposed_level": m.level,
                "match_method": m.match_method, "match_score": round(m.match_score, 1),
                **{f"candidate_{i + 1}": c for i, (c, _) in enumerate(cands)},
                **{f"score_{i + 1}": (round(s, 1) if s != "" else "") for i, (_, s) in enumerate(cands)},
                "doc_locality": doc.header.locality, "count": 1, "doc_ids": [doc.doc_id]}
    return list(agencies.values()), list(review.values())


class SideTables:
    """Merges the rows of many documents: aliases unioned, review counts summed."""

    def __init__(self) -> None:
        self.agencies: dict[str, dict] = {}
        self.review: dict[tuple[str, str], dict] = {}

    def add(self, agencies: list[dict], review: list[dict], doc_id: str) -> None:
        for row in agencies:
            have = self.agencies.setdefault(row["agency_id"], {**row, "aliases": set()})
            have["aliases"].update(row["aliases"])
        for row in review:
            key = (row["mention"], row["proposed_agency_id"])
            have = self.review.get(key)
            if have is None:
                self.review[key] = {**row, "doc_ids": [doc_id]}
            else:
                have["count"] += row["count"]
                if doc_id not in have["doc_ids"]:
                    have["doc_ids"].append(doc_id)

    def write(self, out: Path) -> list[Path]:
        rows = [{**r, "aliases": "|".join(sorted(r["aliases"]))} for _, r in sorted(self.agencies.items())]
        write_csv(out / "agencies.csv", AGENCY_COLUMNS, rows)
        review = sorted(self.review.values(), key=lambda r: (-r["count"], r["mention"]))
        write_csv(out / "agencies_review.csv", REVIEW_COLUMNS,
                  [{**r, "doc_ids": ";".join(r["doc_ids"][:20])} for r in review])
        return [out / "agencies.csv", out / "agencies_review.csv"]
