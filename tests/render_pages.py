"""Render public pages from the database in DATABASE_URL, as a fresh process would, and write
each response's bytes to a directory (tests/test_backup.py compares two such runs).

    python -m tests.render_pages OUTDIR /disclosures/1/ /disclosures/1.json …
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

if __name__ == "__main__":
    import django

    django.setup()
    from django.test import Client

    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    client = Client()
    for i, url in enumerate(sys.argv[2:]):
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{url}: {response.status_code}")
        (out / f"{i}.bin").write_bytes(response.content)
