"""Import benchmarks (issues 24 and 25), each step in its own processes, with the load
average beside every figure (the machine is shared: figures are indicative).

  bomb   an xlsx decompression bomb (≈ 2 MB zipped, ≈ 300 MB sheet, 1.2M rows) through
         `carteira import orders`: seconds to the refusal and peak memory of the process.

    python bench/import_bench.py bomb [--rows 1200000]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"
CARTEIRA = str(Path(sys.executable).parent / "carteira")

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats'
        '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{_RELS}"><Relationship'
        f' Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}">'
        '<sheets><sheet name="Pedidos" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{_RELS}"><Relationship'
        f' Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def write_bomb(path: Path, rows: int) -> None:
    """An orders workbook of ``rows`` rows that differ only by their number: it compresses
    ≈ 150:1 (under the ratio limit), so only the row count can refuse it."""
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>'
                    for v in ("B000000001", "C000001", "01/03/2025", "1.234,56"))  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN}">'
                        "<sheetData>".encode())  # fmt: skip
            header = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>'
                             for v in ("pedido", "cliente", "data", "valor"))  # fmt: skip
            sheet.write(f'<row r="1">{header}</row>'.encode())
            for start in range(2, rows + 2, 10_000):
                stop = min(start + 10_000, rows + 2)
                sheet.write("".join(f'<row r="{n}">{cells}</row>'
                                    for n in range(start, stop)).encode())  # fmt: skip
            sheet.write(b"</sheetData></worksheet>")


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """(wall seconds, peak RSS in MB, exit status, last output line) of ``command``, run
    from a fresh wrapper so ``ru_maxrss`` is this command's alone."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "last = (done.stdout + done.stderr).strip().splitlines() or ['']\n"
        "print(time.perf_counter() - t, u.ru_maxrss / 1024, done.returncode, last[-1])\n"
    )
    done = subprocess.run(  # noqa: S603 -- our own commands
        [sys.executable, "-c", probe, *command], env={**os.environ, **env},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    wall, peak, status, last = done.stdout.strip().split(" ", 3)
    return float(wall), float(peak), int(status), last


def bomb_step(args) -> str:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"bomb-{args.rows}.xlsx"
    if not path.exists():
        write_bomb(path, args.rows)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    home = tempfile.mkdtemp(prefix="bomb-", dir=OUT)
    env = {"CARTEIRA_HOME": home, "CARTEIRA_LANGUAGE": "pt-br"}
    subprocess.run(  # noqa: S603 -- our own command
        [CARTEIRA, "manage", "migrate", "-v", "0"], env={**os.environ, **env}, check=True
    )
    load = os.getloadavg()[0]
    wall, peak, status, last = measured([CARTEIRA, "import", "orders", str(path)], env)
    load = max(load, os.getloadavg()[0])
    return (
        f"xlsx bomb: {path.stat().st_size / 1e6:.1f} MB zipped, sheet {sheet.file_size / 1e6:.0f}"
        f" MB ({sheet.file_size / sheet.compress_size:.0f}:1), {args.rows:,} rows\n"
        f"`carteira import orders`: exit {status} after {wall:.1f} s, peak {peak:.0f} MB, "
        f"load {load:.1f}\n  {last}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["bomb"])
    parser.add_argument("--rows", type=int, default=1_200_000)
    args = parser.parse_args()
    print({"bomb": bomb_step}[args.step](args))


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} s in all)", file=sys.stderr)
