"""Networks (qdn network): who issues with whom (issuers of joint documents, weighted by the
documents they issued together) and which record cites which (resolved citations). Nodes carry
degree and betweenness from networkx, which also writes GraphML for Gephi; networkx is
imported only here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

from qdn_corpus.errors import UsageError
from qdn_corpus.rows import NetworkEdge, NetworkNode
from qdn_corpus.search.plan import Plan
from qdn_corpus.search.view import View
from qdn_corpus.store.engine import Index

Kind = Literal["issuers", "cites"]
INSTALL = 'pip install -e ".[network]"'


def check_kind(kind: str) -> Kind:
    if kind not in ("issuers", "cites"):
        raise UsageError(f"unknown --kind {kind!r}: use issuers (co-issuing) or cites (citations)")
    return kind  # type: ignore[return-value]


def check_min(least: int) -> int:
    if least < 1:
        raise UsageError(f"--min must be 1 or more (documents an edge needs), not {least}")
    return least


def networkx() -> Any:
    try:
        import networkx
    except ImportError:
        raise UsageError(f"qdn network needs networkx: {INSTALL}") from None
    return networkx


@dataclass
class Network:
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    graph: Any  # networkx.Graph or DiGraph

    def write_graphml(self, path: str | Path) -> None:
        networkx().write_graphml(self.graph, str(path))


def _day(n: int) -> dt.date | None:
    return dt.date.fromordinal(n) if n else None


def network(ix: Index, p: Plan, kind: Kind, least: int) -> Network:
    """The network of the records a plan keeps; edges of weight `least` or more."""
    nx = networkx()
    documents: Counter[str] = Counter()
    partners: dict[str, set[str]] = {}
    weight: Counter[tuple[str, str]] = Counter()
    span: dict[tuple[str, str], tuple[int, int]] = {}
    labels: dict[str, str | None] = {}
    with ix.reader() as reader:
        view = View(reader, ix)
        for d in sorted(view.matching(p)):
            if kind == "issuers":
                store, local = view.locate(d)
                names = sorted(set((store.column("issuer")[local] or "").split()))
                day = store.days()[local]
                pairs = list(combinations(names, 2))
                documents.update(names)
            else:
                record = view.record(d)
                targets = sorted({c.target for c in record.citations if c.target and c.target != record.id})
                day = record.date.toordinal() if record.date else 0
                pairs = [(record.id, t) for t in targets]
                labels[record.id] = record.title
                documents.update([record.id, *targets])
            for a, b in pairs:
                partners.setdefault(a, set()).add(b)
                partners.setdefault(b, set()).add(a)
                weight[(a, b)] += 1
                first, last = span.get((a, b), (0, 0))
                if day:
                    span[(a, b)] = (min(first, day) if first else day, max(last, day))
        if kind == "cites":
            import json

            for node in documents:
                if node not in labels:  # a cited record outside the filters: its title
                    found = reader.ids_starting(node, 1)
                    labels[node] = json.loads(found[0][1]).get("title") if found else None
    graph = nx.DiGraph() if kind == "cites" else nx.Graph()
    graph.add_nodes_from(documents)
    edges = []
    for (a, b), w in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0])):
        if w < least:
            continue
        first, last = span.get((a, b), (0, 0))
        graph.add_edge(a, b, weight=w, first=str(_day(first) or ""), last=str(_day(last) or ""))
        edges.append(NetworkEdge(source=a, target=b, weight=w, first=_day(first), last=_day(last)))
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    return Network(_nodes(nx, graph, documents, partners, labels), edges, graph)


def _nodes(nx: Any, graph: Any, documents: Counter[str], partners: dict[str, set[str]], labels: dict[str, str | None]) -> list[NetworkNode]:
    """The nodes with their degrees and betweenness, most connected first; the graph's nodes
    get documents and label attributes for Gephi."""
    between = nx.betweenness_centrality(graph, normalized=True) if graph.number_of_nodes() else {}
    nodes = [
        NetworkNode(
            node=n, label=labels.get(n), documents=documents[n], partners=len(partners.get(n, ())), degree=graph.degree(n),
            weighted_degree=int(graph.degree(n, weight="weight")), betweenness=round(between.get(n, 0.0), 4),
        )
        for n in graph.nodes
    ]
    nodes.sort(key=lambda r: (-r.weighted_degree, -r.documents, r.node))
    for n in graph.nodes:
        graph.nodes[n]["documents"] = documents[n]
        if labels.get(n):
            graph.nodes[n]["label"] = labels[n]
    return nodes
