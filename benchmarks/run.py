#!/usr/bin/env python3
"""Build-speed benchmark of dhtt-docs on synthetic rounds of N candidates.

For each N it makes a round from the sample (the sample's six candidates
repeated with new ids), then, each in a fresh child process so that peak
memory is per run:

- `build --no-pdf` (load and validate, render, bag), cold cache;
- `build` with PDFs, cold cache (render, convert, merge, bag);
- for the first N only: the naive baseline, one `soffice --convert-to pdf`
  per DOCX file of the same round, in the same run;
- for the first N only: a rebuild with PDFs after 2 candidates changed.

It writes benchmarks/results.md (a table), benchmarks/results.json and
benchmarks/plot.png (time against N). Usage:

    .venv/bin/python benchmarks/run.py                 # N = 50 200 1000
    .venv/bin/python benchmarks/run.py --sizes 50 200  # fewer
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "samples" / "bhxh-thanh-hoa-2024"


# --------------------------------------------------------------------------- the synthetic round


def make_round(dest: Path, n: int) -> Path:
    """A valid round of n candidates (two collectives at least) built from the sample's six."""
    folder = dest / f"bhxh-benchmark-{n}"
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "candidates").mkdir(parents=True)
    shutil.copytree(SAMPLE / "attachments", folder / "attachments")
    sources = sorted((SAMPLE / "candidates").glob("*.yaml"))
    votes = {}
    for i in range(n):
        src = sources[i % len(sources)]
        cid = f"{src.stem}-{i:04d}"
        text = src.read_text(encoding="utf-8")
        # a distinct name per copy, so that documents differ like real ones do
        text = re.sub(r"^(full_name|name): (.+)$", lambda m: f"{m.group(1)}: {m.group(2)} {i:04d}", text,
                      count=1, flags=re.M)
        text = text.replace("leads: phong-quan-ly-thu", f"leads: phong-quan-ly-thu-{(i // 6) * 6 + 1:04d}")
        (folder / "candidates" / f"{cid}.yaml").write_text(text, encoding="utf-8")
        votes[cid] = 7
    sub = (SAMPLE / "submission.yaml").read_text(encoding="utf-8")
    head, rest = sub.split("  votes:\n", 1)
    tail = rest[rest.index("submission:"):]
    lines = "".join(f"    {cid}: {v}\n" for cid, v in votes.items())
    (folder / "submission.yaml").write_text(head + "  votes:\n" + lines + tail, encoding="utf-8")
    return folder


def touch_two(folder: Path) -> None:
    for path in sorted((folder / "candidates").glob("*.yaml"))[:2]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("achievements: |\n", "achievements: |\n  Bổ sung kết quả quý IV.\n", 1),
                        encoding="utf-8")


# --------------------------------------------------------------------------- one measured run (child)


def child(argv: list[str]) -> None:
    """Run one build in this process and print its measurements as JSON."""
    folder, out, mode, cache_dir = Path(argv[0]), Path(argv[1]), argv[2], argv[3]
    sys.path.insert(0, str(ROOT / "src"))
    from dhtt_docs.build.pipeline import BuildOptions, build

    start = time.perf_counter()
    result = build(folder, BuildOptions(out=out, pdf=(mode == "pdf"), cache=cache_dir != "-",
                                        cache_dir=None if cache_dir == "-" else Path(cache_dir)))
    total = time.perf_counter() - start
    assert result.out is not None, [f.message for f in result.findings]
    print(json.dumps({
        "total": total,
        "stages": result.timings,
        "stats": result.stats,
        "documents": len(list((out / "documents").glob("*.docx"))),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }))


def measure(folder: Path, out: Path, mode: str, cache_dir: Path | None) -> dict:
    cmd = [sys.executable, __file__, "--child", str(folder), str(out), mode, str(cache_dir) if cache_dir else "-"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def naive(docx_files: list[Path], outdir: Path) -> float:
    """One soffice process per file: what a shell loop over `soffice --convert-to pdf` costs."""
    outdir.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or "soffice"
    with tempfile.TemporaryDirectory() as profile:
        start = time.perf_counter()
        for f in docx_files:
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", str(outdir), str(f)], capture_output=True, check=True)
        return time.perf_counter() - start


# --------------------------------------------------------------------------- report


def write_report(results: dict) -> None:
    rows = results["rounds"]
    lines = [
        f"Measured on {results['machine']} ({results['cpus']} CPUs), LibreOffice {results['libreoffice']}, "
        f"Python {results['python']}.",
        "",
        "| N candidates | documents | `--no-pdf` total (s) | docs/s | with PDF total (s) | load+validate | render | "
        "convert | merge | bag | peak RSS (MB) | soffice peak RSS (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        d, p = r["docx"], r["pdf"]
        s = p["stages"]
        lines.append(
            f"| {r['n']} | {d['documents']} | {d['total']:.2f} | {d['documents'] / d['total']:.0f} | "
            f"{p['total']:.2f} | {s.get('load', 0):.2f} | {s.get('render', 0):.2f} | {s.get('convert', 0):.2f} | "
            f"{s.get('bundle', 0):.2f} | {s.get('bag', 0):.2f} | {max(d['peak_rss_mb'], p['peak_rss_mb']):.0f} | "
            f"{p['children_peak_rss_mb']:.0f} |")
    first = rows[0]
    nv = results["naive"]
    rb = results["rebuild"]
    lines += [
        "",
        f"Naive baseline on the {first['n']}-candidate round (one `soffice --convert-to pdf` per file, "
        f"{nv['files']} files): {nv['total']:.1f} s, {nv['per_file']:.2f} s per file. "
        f"dhtt-docs with PDFs: {first['pdf']['total']:.1f} s for the whole build, "
        f"**{nv['total'] / first['pdf']['total']:.1f}x** faster "
        f"(conversion alone {first['pdf']['stages'].get('convert', 0):.1f} s, "
        f"{first['pdf']['stages'].get('convert', 0) / first['pdf']['documents'] * 1000:.0f} ms per document).",
        "",
        f"Rebuild of the {first['n']}-candidate round with PDFs after 2 candidates changed: "
        f"{rb['total']:.2f} s against {rb['full']:.2f} s for the full build "
        f"(**{rb['total'] / rb['full']:.2f}** of it; {rb['stats']}).",
    ]
    if len(rows) > 1:
        last = rows[-1]
        lines.append("")
        lines.append(f"Growth: {last['n']} candidates took {last['pdf']['total'] / first['pdf']['total']:.1f}x "
                     f"the time of {first['n']} with PDFs ({last['n'] / first['n']:.0f}x the candidates), "
                     f"{last['docx']['total'] / first['docx']['total']:.1f}x without.")
    (HERE / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib)", file=sys.stderr)
        return
    ns = [r["n"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    ax.plot(ns, [r["pdf"]["total"] for r in rows], "o-", label="build (DOCX + PDF + bundle + bag)")
    ax.plot(ns, [r["docx"]["total"] for r in rows], "s-", label="build --no-pdf")
    ax.plot(ns, [r["pdf"]["documents"] * nv["per_file"] for r in rows], "x--",
            label=f"naive: one soffice per file ({nv['per_file']:.2f} s/file measured at N={ns[0]})")
    ax.set_xlabel("candidates in the round")
    ax.set_ylabel("seconds")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    ax.set_title(f"dhtt-docs build time ({results['cpus']} CPUs)")
    fig.tight_layout()
    fig.savefig(HERE / "plot.png", metadata={"Software": None})


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="dhtt-bench-"))
    lo = subprocess.run([shutil.which("soffice") or "soffice", "--version"], capture_output=True, text=True).stdout
    results = {"machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version(),
               "libreoffice": (lo.split() or ["?"])[1] if lo else "?", "rounds": []}
    for i, n in enumerate(sorted(args.sizes)):
        folder = make_round(work, n)
        print(f"N={n}: --no-pdf ...", flush=True)
        docx = measure(folder, work / f"out-docx-{n}", "docx", None)
        print(f"N={n}: with PDF ...", flush=True)
        cache = work / f"cache-{n}"
        pdf = measure(folder, work / f"out-pdf-{n}", "pdf", cache)
        results["rounds"].append({"n": n, "docx": docx, "pdf": pdf})
        if i == 0:
            files = sorted((work / f"out-pdf-{n}" / "documents").glob("*.docx"))
            print(f"N={n}: naive baseline on {len(files)} files ...", flush=True)
            t = naive(files, work / f"naive-{n}")
            results["naive"] = {"files": len(files), "total": t, "per_file": t / len(files)}
            touch_two(folder)
            print(f"N={n}: rebuild after 2 changes ...", flush=True)
            rb = measure(folder, work / f"out-pdf-{n}", "pdf", cache)
            results["rebuild"] = {"total": rb["total"], "full": pdf["total"], "stats": rb["stats"]}
    write_report(results)
    print((HERE / "results.md").read_text(encoding="utf-8"))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
