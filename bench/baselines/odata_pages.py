"""The connector's OData page URLs for one table, shared by the bench driver and the plain baseline.

The shape mirrors Extract's ODataRequestBuilder for a rowversion window: `$select` (catalog order),
`$filter=TimeStamp gt binary'<base64 of the previous page's last row>'` after the first page,
`$orderby=TimeStamp`, `$top=5000`, every name and value percent-encoded (RFC 3986 unreserved set only,
so `+` in base64 and spaces are never ambiguous). Paging stops after the first page with fewer rows
than `$top` (a full last page costs one more, empty, request, as the connector's pager does).

Standard library only.
"""

from urllib.parse import quote

# syspro-sim's GenTransaction columns in the connector catalog's order (Extract/Catalog+BuiltIn.swift);
# the catalog's columns the simulator does not serve are left out, as a $metadata-driven plan would.
GEN_TRANSACTION_COLUMNS = [
    "Company", "GlCode", "GlYear", "GlPeriod", "Journal", "GlLine", "Source", "JnlDate", "Reference",
    "EntryValue", "Comment", "TransactionDate", "SubModJournal", "SubModApInvoice", "SubModArInvoice",
    "SubModSupplier", "SubModCustomer", "SubModRef", "SubModWh", "SubModStock", "SubModTransDesc", "TimeStamp",
]
GEN_TRANSACTION_KEY = ["GlYear", "GlPeriod", "Journal", "GlLine"]
PAGE_ROWS = 5000


def encode(text):
    return quote(text, safe="-._~")


def page_url(entity_url, last_stamp_base64=None, top=PAGE_ROWS, columns=GEN_TRANSACTION_COLUMNS):
    """The URL of the page after the row whose TimeStamp is `last_stamp_base64` (None: the first page)."""
    items = [("$select", ",".join(columns))]
    if last_stamp_base64 is not None:
        items.append(("$filter", "TimeStamp gt binary'%s'" % last_stamp_base64))
    items.append(("$orderby", "TimeStamp"))
    items.append(("$top", str(top)))
    return entity_url + "?" + "&".join(encode(n) + "=" + encode(v) for n, v in items)
