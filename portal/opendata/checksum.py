"""The content checksum of a published version: SHA-256 of its canonical JSON, i.e. its JSON
download (`disclosure_document`) without `links` (they name the host) and without the
checksum itself, written with sorted keys, no spaces and UTF-8 text. Computed once at
publication (the portal registers it with the workflow) and stored with the version, so a
copy can be verified against it (portal/opendata.md, “校验”)."""

import hashlib
import json

from .files import disclosure_document
from .tables import disclosure_tables

# Keys of the JSON download that are not the version's content.
NOT_CONTENT = ("links", "content_checksum")


def canonical_json(document):
    """The bytes the checksum is taken over, from a JSON document (a dict)."""
    content = {key: value for key, value in document.items() if key not in NOT_CONTENT}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def content_checksum(disclosure):
    """SHA-256 (hex) of the version's canonical JSON, as its JSON download will give it."""
    document = disclosure_document(disclosure, disclosure_tables(disclosure))
    return hashlib.sha256(canonical_json(document)).hexdigest()
