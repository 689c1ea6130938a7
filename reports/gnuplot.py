"""gnuplot: finding and running the gnuplot binary, and drawing a chart: its
.dat, its generated .gp, then the .png and .svg. The environment variable
CT_GNUPLOT names another gnuplot binary (tests use it)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from reports.dat import write_dat
from reports.errors import ReportError
from reports.gpscript import gnuplot_script


def find_gnuplot():
    exe = os.environ.get("CT_GNUPLOT") or shutil.which("gnuplot")
    if not exe or not (shutil.which(exe) or Path(exe).is_file()):
        raise ReportError("gnuplot not found: install gnuplot-nox: run scripts/deps.sh "
                          "(or pass --no-charts)")
    return exe


def terminals(gnuplot):
    """pngcairo if this gnuplot has it (antialiased), else libgd's png."""
    try:
        res = subprocess.run([gnuplot, "-e", "set terminal"], capture_output=True,
                             text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ReportError(f"cannot run gnuplot ({gnuplot}): {e}; install gnuplot-nox: "
                          f"run scripts/deps.sh") from None
    listing = res.stdout + res.stderr
    png = ("set terminal pngcairo size {w},{h} noenhanced font 'DejaVu Sans,11' "
           "background rgb 'white'") if re.search(r"^\s*pngcairo\b", listing, re.M) else \
        "set terminal png size {w},{h} noenhanced font 'DejaVuSans,10' background rgb 'white'"
    svg = "set terminal svg size {w},{h} dynamic noenhanced font 'DejaVu Sans,11' background rgb 'white'"
    return png, svg


def run_script(gnuplot, script):
    """Runs gnuplot on a script in the script's folder, where the script
    finds its data and writes its outputs."""
    return subprocess.run([gnuplot, script.name], cwd=script.parent, capture_output=True,
                          text=True, timeout=120)


def draw_chart(chart, fam_dir, source, gnuplot, terms):
    """Writes the .dat, and unless gnuplot is None the .gp, .png and .svg."""
    fam_dir.mkdir(parents=True, exist_ok=True)
    chart.dat = fam_dir / f"{chart.workload}.dat"
    blocks = write_dat(chart, chart.dat, source)
    written = [chart.dat]
    if gnuplot is None:
        chart.note = "charts not drawn (--no-charts)"
        return written
    if not blocks:
        chart.note = "no chart: no competitor has a successful run in this workload"
        return written
    chart.gp, chart.png, chart.svg = (fam_dir / f"{chart.workload}.{ext}" for ext in ("gp", "png", "svg"))
    script = gnuplot_script(chart, blocks, chart.dat.name,
                            [(terms[0], chart.png), (terms[1], chart.svg)])
    chart.gp.write_text(script, encoding="utf-8")
    for p in (chart.png, chart.svg):
        p.unlink(missing_ok=True)
    try:
        res = run_script(gnuplot, chart.gp)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ReportError(f"gnuplot failed on {chart.gp}: {e}") from None
    if res.returncode != 0 or not chart.png.is_file() or not chart.svg.is_file():
        raise ReportError(f"gnuplot failed on {chart.gp} (exit {res.returncode}):\n"
                          f"{res.stderr.strip() or '(no output)'}")
    if res.stderr.strip():
        print(f"report.py: gnuplot warnings for {chart.gp}:\n{res.stderr.rstrip()}", file=sys.stderr)
    chart.drawn = True
    return written + [chart.gp, chart.png, chart.svg]
