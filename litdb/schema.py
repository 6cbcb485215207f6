"""The database's shape, declared once: tables, keys, indexes, full-text search, views.

Descriptions of every table and column live in metadata.yml (a test checks that
each column declared here has one).
"""

from __future__ import annotations

TABLES = {
    "journals": {
        "columns": {"id": str, "name": str, "title": str, "abbreviation": str, "issn_l": str, "issns": str,
                    "paper_count": int},
        "pk": "id",
    },
    "papers": {
        "columns": {
            "id": str, "title": str, "authors": str, "journal_id": str, "year": int,
            "publication_date": str, "volume": str, "issue": str, "pages": str, "doi": str,
            "pmid": str, "pmcid": str, "publication_types": str, "keywords": str, "topics": str,
            "citation_count": int, "is_open_access": int, "open_access_url": str,
            "authors_complete": int, "abstract": str, "epub_date": str, "copyright": str,
            "reference_count": int, "source_count": int,
        },
        "pk": "id",
        "not_null": {"title", "authors_complete", "authors", "publication_types", "keywords", "topics"},
        "foreign_keys": [("journal_id", "journals", "id")],
    },
    "authors": {
        "columns": {"id": str, "name": str, "orcid": str, "paper_count": int},
        "pk": "id",
    },
    "paper_authors": {
        "columns": {"paper_id": str, "author_id": str, "position": int, "name": str, "family": str, "given": str,
                    "orcid": str, "affiliations": str},
        "pk": ("paper_id", "position"),
        "foreign_keys": [("paper_id", "papers", "id"), ("author_id", "authors", "id")],
    },
    "paper_references": {
        "columns": {
            "paper_id": str, "position": int, "citation": str, "authors": str, "title": str,
            "journal": str, "year": int, "month": int, "day": int, "volume": str, "issue": str,
            "pages": str, "doi": str, "pmid": str, "cited_paper_id": str,
        },
        "pk": ("paper_id", "position"),
        "foreign_keys": [("paper_id", "papers", "id"), ("cited_paper_id", "papers", "id")],
    },
    "mesh_terms": {
        "columns": {"paper_id": str, "position": int, "term": str, "qualifier": str, "major": int},
        "pk": ("paper_id", "position"),
        "foreign_keys": [("paper_id", "papers", "id")],
    },
    "grants": {
        "columns": {
            "paper_id": str, "position": int, "grant_id": str, "acronym": str, "agency": str,
            "country": str, "text": str,
        },
        "pk": ("paper_id", "position"),
        "foreign_keys": [("paper_id", "papers", "id")],
    },
    "topics": {
        "columns": {
            "id": str, "label": str, "category": str, "description": str, "synonyms": str,
            "paper_count": int,
        },
        "pk": "id",
    },
    "paper_topics": {
        "columns": {"paper_id": str, "topic_id": str, "matched": str, "fields": str},
        "pk": ("paper_id", "topic_id"),
        "foreign_keys": [("paper_id", "papers", "id"), ("topic_id", "topics", "id")],
    },
    "sources": {
        "columns": {
            "id": int, "filename": str, "sha256": str, "bytes": int, "format": str,
            "status": str, "error": str, "records": int, "rejected_records": int,
        },
        "pk": "id",
        "not_null": {"filename", "sha256", "bytes", "status"},
    },
    "rejected_records": {
        "columns": {"source_id": int, "position": int, "line": int, "reason": str},
        "pk": ("source_id", "position"),
        "foreign_keys": [("source_id", "sources", "id")],
    },
    "disagreement_fields": {
        "columns": {"paper_id": str, "field": str, "value_count": int},
        "pk": ("paper_id", "field"),
        "foreign_keys": [("paper_id", "papers", "id")],
    },
    "provenance": {
        "columns": {
            "id": int, "paper_id": str, "source_id": int, "field": str, "value": str,
            "chosen": int, "note": str,
        },
        "pk": "id",
        "foreign_keys": [("paper_id", "papers", "id"), ("source_id", "sources", "id")],
    },
}

# Foreign keys get an index automatically; these are the faceted and sorted columns.
INDEXES = {
    "papers": [["year"], ["is_open_access"], ["doi"], ["pmid"], ["citation_count"], ["publication_date"]],
    "authors": [["name"], ["orcid"]],
    "journals": [["name"], ["title"], ["abbreviation"], ["issn_l"]],
    "paper_references": [["journal"], ["year"], ["doi"]],
    "mesh_terms": [["term"], ["major"]],
    "sources": [["status"], ["format"]],
    "topics": [["category"], ["label"]],
    "grants": [["agency"], ["country"]],
    "provenance": [["paper_id", "field"], ["field"], ["chosen"]],
    "disagreement_fields": [["field"]],
}

FTS = {"papers": ["title", "abstract", "keywords"]}

VIEWS = {
    # One row per source value of a paper field on which the sources disagree.
    "disagreements": """
        SELECT provenance.paper_id, papers.title AS paper_title, provenance.field,
               sources.filename AS source, provenance.value, provenance.chosen
        FROM disagreement_fields
        JOIN provenance ON provenance.paper_id = disagreement_fields.paper_id
                       AND provenance.field = disagreement_fields.field
                       AND provenance.chosen IS NOT NULL
        JOIN papers ON papers.id = provenance.paper_id
        JOIN sources ON sources.id = provenance.source_id
        ORDER BY provenance.paper_id, provenance.field, sources.filename
    """,
}
