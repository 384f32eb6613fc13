"""Fill catalog entries: `python scripts/translate.py FILE.json` where FILE holds
{"msgid": {"pt_BR": "...", "es": "..."}} (plural msgids: a list of forms). Clears the
fuzzy flag of the entries it fills; run under the same lock as `make messages`, then
compile (`make messages` does both)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parent.parent / "src" / "carteira" / "locale"


def fill(translations: dict[str, dict[str, str | list[str]]]) -> list[str]:
    missing = []
    for language in ("pt_BR", "es"):
        path = LOCALE / language / "LC_MESSAGES" / "django.po"
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for msgid, texts in translations.items():
            if language not in texts:
                continue
            message = next(
                (m for m in catalog if (m.id[0] if isinstance(m.id, tuple) else m.id) == msgid),
                None,
            )
            if message is None:
                missing.append(f"{language}: {msgid}")
                continue
            text = texts[language]
            message.string = tuple(text) if isinstance(message.id, tuple) else text
            message.flags.discard("fuzzy")
            message.previous_id = []
        with path.open("wb") as handle:
            write_po(handle, catalog, width=79, omit_header=False)
    return missing


if __name__ == "__main__":
    missing = fill(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
    for line in missing:
        print("not in the catalog (run make messages first):", line, file=sys.stderr)
    sys.exit(1 if missing else 0)
