"""JSON that may go inside HTML as it is: the JSON-LD of a ClaimReview in a <script>
element, or any export a newsroom pastes into a page. A quote holding `</script>`
must not end the element it is embedded in."""
from __future__ import annotations

import json

# In a JSON string these are the same characters to any JSON reader, and none to an HTML parser.
_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def html_safe_json(value: object, **options) -> str:
    """json.dumps(value, ensure_ascii=False, **options) that is safe inside HTML: `<`, `>`
    and `&` only ever occur inside JSON strings, where their \\u escapes mean the same, so
    json.loads gives back exactly `value` and the text has none of the three."""
    return json.dumps(value, ensure_ascii=False, **options).translate(_HTML_SAFE)
