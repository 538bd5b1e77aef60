"""Rows of the analyses policy studies publish (qdn clauses, code, adoption, network); the same
contract as models.py: field names are stable, `qdn schema` prints each."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from qdn_corpus.models import Region, _Model


class Clause(_Model):
    """One clause unit: the smallest numbered part of a record (or a paragraph where it has no
    numbered parts), with the record's fields a cross-tab needs."""

    code: str = Field(description="the record's short id and the numbers of the heading path: 638e033e-3-2-5 "
                      "(三、/（二）/5.); -0 text before the first heading, -p4 the 4th paragraph, a1 附件1")
    id: str = Field(description="the record's id")
    path: list[str] = Field(default=[], description="the heading path, outermost first: 三、存在问题, （二）下步工作措施 …")
    text: str = Field(description="the unit's text, its heading included")
    offset: int = Field(description="where the unit starts in the record's body")
    matches: list[str] = Field(default=[], description="the query's texts found in the unit (empty without a query)")
    date: dt.date | None = None
    region: Region = Region()
    issuers: list[str] = Field(default=[])
    doc_type: str | None = None
    title: str | None = None
    file: str


class CodedUnit(Clause):
    """One unit and one code of a codebook that matched it (qdn code --show units)."""

    category: str = Field(description="the code's category (供给型 …), empty for a code without one")
    label: str = Field(description="the code's name (人才培养 …)")


class CodeCount(_Model):
    """One cell of the cross-tab of codes by bucket (qdn code --show table)."""

    category: str
    label: str = Field(description="the code's name; the category's own row has label \"*\" (units matching any of its codes)")
    bucket: str | None = Field(description="the --by value (2022, 黔东南州 …); null for undated or unknown")
    units: int = Field(description="units the code matched in the bucket")
    share: float = Field(description="units ÷ all units of the bucket (coded or not), 0–1")
    total: int = Field(description="all units of the bucket")


class CoOccurrence(_Model):
    """Two codes matching one unit (qdn code --show cooccurrence)."""

    a: str = Field(description="a code as category/label")
    b: str
    units: int = Field(description="units both matched")
    jaccard: float = Field(description="units both matched ÷ units either matched")


class AdoptionRow(_Model):
    """One region's adoption of a policy (qdn adoption): tidy rows for event-history models."""

    region: str
    level: str = Field(description="province, prefecture or county")
    code: str | None = Field(description="the 6-digit administrative division code, null for a region the gazetteer lacks")
    parent: str | None = Field(default=None, description="the region above (prefecture of a county, province of a prefecture)")
    first_date: dt.date | None = Field(description="date of the first matching record (null: not adopted, or only undated records)")
    first_id: str | None = None
    first_title: str | None = None
    records: int = Field(description="matching records of the region, dated or not")
    adopted: bool


class NetworkNode(_Model):
    """One issuer of the co-issuing network, or one record of the citation network."""

    node: str = Field(description="the issuer's name, or the record's id (--kind cites)")
    label: str | None = Field(default=None, description="the record's title (--kind cites)")
    documents: int = Field(description="documents it issued (co-issuing: joint or not), or citations in and out")
    partners: int = Field(description="distinct issuers it issued with (co-issuing), or distinct records it cites or is cited by")
    degree: int = Field(description="edges at the node (over --min)")
    weighted_degree: int = Field(description="sum of the weights of its edges")
    betweenness: float = Field(description="betweenness centrality (networkx, normalised)")


class NetworkEdge(_Model):
    """Two issuers that issued documents together, or a record citing another."""

    source: str
    target: str
    weight: int = Field(description="documents issued together (co-issuing), or times cited (cites)")
    first: dt.date | None = None
    last: dt.date | None = None


# The rows of each `qdn code --show` (table, units, uncoded, cooccurrence), for every output.
CODING_ROWS: dict[str, type[_Model]] = {"table": CodeCount, "units": CodedUnit, "uncoded": Clause, "cooccurrence": CoOccurrence}
