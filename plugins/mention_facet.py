"""A many-to-many facet type, m2m: on quotes, the people each quote is about (quote_mentions)."""
from datasette import hookimpl

from quotes.facets import ManyToManyFacet


@hookimpl
def register_facet_classes():
    return [ManyToManyFacet]
