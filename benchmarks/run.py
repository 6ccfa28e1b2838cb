#!/usr/bin/env python3
"""Build-speed benchmark of dhtt-docs against its peers, all in one run, on synthetic rounds of N candidates.

For each N (N candidates = N+3 documents) it makes a round from the sample and measures, each in a fresh
process, wall time; and, in separate runs of the two cold builds (sampling costs a fifth of a core), the
peak memory of the whole process tree (sum of PSS of every descendant, sampled every 50 ms):

dhtt-docs   build --no-pdf (cold cache); build with PDFs (cold cache, cold LibreOffice); rebuild with
            nothing changed; rebuild after 1 and after 2 candidates changed (cold converter); rebuild
            after 1 change with the warm converter and warm builder running (`build --converter warm`
            run once beforehand, then the same command timed after an edit, and after the next edit).
peers       on the very DOCX files dhtt-docs made:
            floor    two soffice processes, profiles made beforehand, each converting half the files
                     (calls of at most 200 files: LibreOffice 7.4 stops silently after ~247);
                     and again with those profiles marked as seen by this LibreOffice version, as
                     dhtt-docs marks its own (no graphics self-test at each start: the true floor);
            batch    one `soffice --convert-to pdf` call per 200 files, one after the other;
            one-call one soffice call for all files (how many PDFs it really made is shown);
            naive    one soffice per file (measured up to --naive-max files, else per-file time x files);
            unoserver  a fresh unoserver (its start included) and one client converting every file;
            carbone  Carbone 3.8 (node) rendering N+3 documents from a small template to PDF, 2 factories.
Peers that cannot be installed (npm/PyPI unreachable) are shown as n/a. Peers live in benchmarks/.peers/.

Writes benchmarks/results.md, results.json and plot.png, and the same tables into the README. One command:

    .venv/bin/python benchmarks/run.py                       # N = 10 50 500 1000 (15-30 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --sizes 10 50 --peers floor batch
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "samples" / "bhxh-thanh-hoa-2024"
PEERS = HERE / ".peers"
ALL_PEERS = ("floor", "batch", "one-call", "naive", "unoserver", "carbone")
SOFFICE_LIMIT = 200


# --------------------------------------------------------------------------- the synthetic round


def make_round(dest: Path, n: int) -> Path:
    """A valid round of n candidates built from the sample's six (names made distinct)."""
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


def change(folder: Path, count: int, tag: str) -> None:
    """Edit the achievements of `count` candidates (a new sentence each time)."""
    for path in sorted((folder / "candidates").glob("*.yaml"))[:count]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("achievements: |\n", f"achievements: |\n  Bổ sung {tag}.\n", 1), encoding="utf-8")


# --------------------------------------------------------------------------- measuring a process tree


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def timed(cmd: list[str], env: dict | None = None, cwd: Path | None = None, limit: float = 3600,
          memory: bool = False) -> dict:
    """Run cmd; its wall seconds, or (`memory`) the peak of the summed PSS of its process tree (MB).

    The two are never measured in the same run: sampling the tree every 50 ms (every /proc/*/stat,
    each process's smaps_rollup) takes about a fifth of a core, and made a 7 s build on two cores
    1-1.7 s slower, the more so the more processes a tool runs. Killed after `limit` s."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd,
                            start_new_session=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], sum(_pss_kb(p) for p in _tree(proc.pid)))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    try:
        out, err = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    if memory:
        sampler.join()
    result = {"rc": proc.returncode, "stdout": out, "stderr": err[-2000:]}
    result.update({"peak_mb": peak[0] / 1024} if memory else {"seconds": seconds})
    return result


# --------------------------------------------------------------------------- dhtt-docs runs


def child(argv: list[str]) -> None:
    """One build in this process; prints its result as JSON (run by `dhtt`)."""
    folder, out, mode, cache_dir, converter = Path(argv[0]), Path(argv[1]), argv[2], argv[3], argv[4]
    sys.path.insert(0, str(ROOT / "src"))
    from dhtt_docs.build.pipeline import BuildOptions, build

    start = time.perf_counter()
    result = build(folder, BuildOptions(out=out, pdf=(mode == "pdf"), cache_dir=Path(cache_dir),
                                        converter=None if converter == "-" else converter))
    total = time.perf_counter() - start
    assert result.out is not None, [str(f.message) for f in result.findings]
    print(json.dumps({"total": total, "stages": result.timings, "rendered": result.rendered,
                      "reused": result.reused, "converted": result.converted,
                      "documents": len(list((out / "documents").glob("*.docx"))),
                      "unchanged": len(result.unchanged), "written": len(result.written)}))


def dhtt(folder: Path, out: Path, mode: str, cache: Path, converter: str | None = None,
         memory: bool = False) -> dict:
    env = dict(os.environ)
    if converter is None:
        env["DHTT_WARM"] = "0"       # cold: never a warm converter
    r = timed([sys.executable, __file__, "--child", str(folder), str(out), mode, str(cache), converter or "-"], env,
              memory=memory)
    if r["rc"] != 0:
        raise SystemExit(f"build failed:\n{r['stdout']}\n{r['stderr']}")
    r.update(json.loads(r.pop("stdout").strip().splitlines()[-1]))
    return r


def warm_rebuild(folder: Path, out: Path, cache: Path) -> dict:
    """As a user rebuilds after an edit with the warm converter: `dhtt-docs build --converter warm` once
    (nothing changed; it leaves the warm builder running, which then reads that round into its memory),
    one candidate edited a second after the builder listens, the same command timed (`first`: it may
    wait for the builder to finish reading the round), then, once the builder is idle (as after an edit
    made by hand), another candidate edited and the command timed again (`next`: what every later edit
    costs)."""
    from dhtt_docs.cli import resident

    cmd = [sys.executable, "-m", "dhtt_docs", "build", str(folder), "-o", str(out), "--cache-dir", str(cache),
           "--converter", "warm"]
    first = subprocess.run(cmd, capture_output=True, text=True)
    if first.returncode != 0:
        raise SystemExit(f"build failed:\n{first.stdout}\n{first.stderr}")
    deadline = time.monotonic() + 60
    while not resident.running() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)
    change(folder, 1, "ba")
    r = timed(cmd)
    if r["rc"] != 0:
        raise SystemExit(f"build failed:\n{r['stdout']}\n{r['stderr']}")
    r["resident"] = resident.running()
    r.pop("stdout", None)
    r.pop("stderr", None)
    deadline = time.monotonic() + 120
    while not resident.idle() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    change(folder, 1, "bốn")
    again = timed(cmd)
    if again["rc"] != 0:
        raise SystemExit(f"build failed:\n{again['stdout']}\n{again['stderr']}")
    r["next"] = {"seconds": again["seconds"]}
    return r


# --------------------------------------------------------------------------- peers


def _soffice() -> str:
    return shutil.which("soffice") or "/usr/lib/libreoffice/program/soffice"


def _soffice_cmd(profile: Path, outdir: Path, files: list[Path]) -> list[str]:
    return [_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(outdir)] + [str(f) for f in files]


def _chunks(files: list[Path], size: int) -> list[list[Path]]:
    return [files[i:i + size] for i in range(0, len(files), size)]


def _script(body: str) -> list[str]:
    return [sys.executable, "-c", body]


def peer_floor(files: list[Path], work: Path, marked: bool = False) -> dict:
    """Two soffice processes, profiles made beforehand, each converting half of the files in calls of
    SOFFICE_LIMIT. `marked`: the profiles also record this LibreOffice version as seen, as dhtt-docs
    marks its own (pdf/libreoffice.mark_profile_seen): no graphics self-test at each start."""
    halves = [files[0::2], files[1::2]]
    name = "floor-marked" if marked else "floor"
    profiles = [work / f"{name}-profile-0", work / f"{name}-profile-1"]
    sys.path.insert(0, str(ROOT / "src"))
    from dhtt_docs.pdf.libreoffice import mark_profile_seen

    for p in profiles:                      # made beforehand: not measured
        subprocess.run([_soffice(), f"-env:UserInstallation={p.as_uri()}", "--headless", "--terminate_after_init"],
                       capture_output=True)
        if marked:
            mark_profile_seen(p, _soffice())
    out = work / f"{name}-out"
    plan = [[_soffice_cmd(profiles[k], out, chunk) for chunk in _chunks(half, SOFFICE_LIMIT)]
            for k, half in enumerate(halves)]
    body = ("import subprocess, sys, json, threading\n"
            f"plan = json.loads({json.dumps(json.dumps(plan))})\n"
            "def run(cmds):\n    [subprocess.run(c, capture_output=True) for c in cmds]\n"
            "ts = [threading.Thread(target=run, args=(c,)) for c in plan]\n"
            "[t.start() for t in ts]; [t.join() for t in ts]\n")
    r = timed(_script(body))
    r["made"] = len(list(out.glob("*.pdf")))
    return r


def peer_batch(files: list[Path], work: Path, size: int, name: str) -> dict:
    profile, out = work / f"{name}-profile", work / f"{name}-out"
    cmds = [_soffice_cmd(profile, out, chunk) for chunk in _chunks(files, size)]
    r = timed(_script(f"import subprocess, json\nfor c in json.loads({json.dumps(json.dumps(cmds))}):\n"
                      "    subprocess.run(c, capture_output=True)\n"))
    r["made"] = len(list(out.glob("*.pdf")))
    return r


def peer_naive(files: list[Path], work: Path, limit: int) -> dict:
    part = files[:limit]
    r = peer_batch(part, work, 1, "naive")
    if len(part) < len(files):
        r["estimated"] = True
        r["seconds"] = r["seconds"] / len(part) * len(files)
    return r


def install_peers(wanted: set[str]) -> dict[str, str | None]:
    """Install unoserver (a venv on the Python that has uno) and Carbone (npm) under benchmarks/.peers."""
    found: dict[str, str | None] = {"unoserver": None, "carbone": None}
    PEERS.mkdir(exist_ok=True)
    if "unoserver" in wanted:
        venv = PEERS / "unoserver-venv"
        def usable() -> bool:   # run as `python -m` (a venv's bin/ scripts break when the folder moves)
            try:
                return subprocess.run([str(venv / "bin" / "python"), "-c", "import unoserver.server, uno"],
                                      capture_output=True).returncode == 0
            except OSError:     # not made yet (a fresh clone)
                return False
        if not usable():
            subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(venv)], capture_output=True)
            subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "unoserver"],
                           capture_output=True)
        if usable():
            found["unoserver"] = str(venv / "bin")
    if "carbone" in wanted and shutil.which("npm"):
        node = PEERS / "carbone"
        if not (node / "node_modules" / "carbone").exists():
            node.mkdir(exist_ok=True)
            subprocess.run(["npm", "install", "--no-audit", "--no-fund", "carbone@3.8"], cwd=node, capture_output=True)
        if (node / "node_modules" / "carbone").exists():
            found["carbone"] = str(node)
    return found


def peer_unoserver(files: list[Path], work: Path, bindir: str) -> dict:
    out = work / "unoserver-out"
    out.mkdir(exist_ok=True)
    body = f"""
import subprocess, time, os, signal, sys
from pathlib import Path
port = 2300 + os.getpid() % 500
srv = subprocess.Popen([{bindir!r} + '/python', '-m', 'unoserver.server', '--port', str(port),
                        '--uno-port', str(port + 1000), '--user-installation', {str(work / 'uno-profile')!r}],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
try:
    import xmlrpc.client
    from unoserver.client import UnoClient
    client = UnoClient(port=str(port))
    deadline = time.time() + 120
    while time.time() < deadline:           # its start is part of its cost
        try:
            xmlrpc.client.ServerProxy(f'http://127.0.0.1:{{port}}').info()
            break
        except Exception:
            time.sleep(0.1)
    for f in {[str(f) for f in files]!r}:
        client.convert(inpath=f, outpath=str(Path({str(out)!r}) / (Path(f).stem + '.pdf')), convert_to='pdf')
finally:
    os.killpg(srv.pid, signal.SIGKILL)
    srv.wait()
"""
    r = timed([f"{bindir}/python", "-c", body], limit=60 + 20 * len(files))
    r["made"] = len(list(out.glob("*.pdf")))
    return r


CARBONE_JS = r"""
const carbone = require('carbone'); const fs = require('fs'); const path = require('path');
const [tpl, n, out] = [process.argv[2], +process.argv[3], process.argv[4]];
fs.mkdirSync(out, {recursive: true});
carbone.set({factories: 2});
let done = 0;
for (let i = 0; i < n; i++) {
  const data = {name: 'Nguyễn Văn An ' + i, unit: 'Bảo hiểm xã hội tỉnh', title: 'Chiến sĩ thi đua cơ sở',
                text: 'Hoàn thành xuất sắc nhiệm vụ được giao, dẫn đầu phong trào thi đua'};
  carbone.render(tpl, data, {convertTo: 'pdf'}, (err, res) => {
    if (err) { console.error(err); process.exit(1); }
    fs.writeFileSync(path.join(out, i + '.pdf'), res);
    if (++done === n) process.exit(0);
  });
}
"""


def peer_carbone(count: int, work: Path, node_dir: str) -> dict:
    from docx import Document

    tpl = work / "carbone-template.docx"
    d = Document()
    d.add_heading("Báo cáo thành tích", 1)
    for k in ("name", "unit", "title"):
        d.add_paragraph("{d." + k + "}")
    for _ in range(40):
        d.add_paragraph("Nội dung: {d.text}. " * 3)
    d.save(tpl)
    (Path(node_dir) / "bench.js").write_text(CARBONE_JS, encoding="utf-8")
    shim = Path(node_dir) / "bin"             # Carbone wants `python3` with uno and soffice.bin on PATH
    shim.mkdir(exist_ok=True)
    if not (shim / "python3").exists():
        (shim / "python3").symlink_to("/usr/bin/python3")
    env = dict(os.environ, PATH=f"{shim}:/usr/lib/libreoffice/program:{os.environ['PATH']}")
    out = work / "carbone-out"
    r = timed(["node", str(Path(node_dir) / "bench.js"), str(tpl), str(count), str(out)], env, cwd=Path(node_dir))
    r["made"] = len(list(out.glob("*.pdf")))
    return r


# --------------------------------------------------------------------------- one size


def run_size(n: int, work: Path, peers: set[str], found: dict, naive_max: int) -> dict:
    for left in work.glob(f"*-{n}"):   # a --work folder used before: cold builds start with no cache
        shutil.rmtree(left) if left.is_dir() else left.unlink()
    folder = make_round(work, n)
    cache = work / f"cache-{n}"
    row: dict = {"n": n, "documents": n + 3}
    print(f"N={n}: --no-pdf", flush=True)
    row["no_pdf"] = dhtt(folder, work / f"out-docx-{n}", "docx", work / f"cache-docx-{n}")
    print(f"N={n}: build with PDFs (cold)", flush=True)
    out = work / f"out-{n}"
    row["build"] = dhtt(folder, out, "pdf", cache)
    files = sorted((out / "documents").glob("*.docx"))
    docs_copy = work / f"docx-{n}"
    shutil.copytree(out / "documents", docs_copy, ignore=shutil.ignore_patterns("*.pdf", "*.xlsx"))
    files = sorted(docs_copy.glob("*.docx"))
    print(f"N={n}: rebuilds", flush=True)
    row["rebuild0"] = dhtt(folder, out, "pdf", cache)
    change(folder, 1, "một")
    row["rebuild1"] = dhtt(folder, out, "pdf", cache)
    change(folder, 2, "hai")
    row["rebuild2"] = dhtt(folder, out, "pdf", cache)
    sys.path.insert(0, str(ROOT / "src"))
    from dhtt_docs.cli import resident
    from dhtt_docs.pdf import warm
    try:
        warm.start()
        row["rebuild1_warm"] = warm_rebuild(folder, out, cache)
        if "next" in row["rebuild1_warm"]:
            row["rebuild1_warm_next"] = row["rebuild1_warm"].pop("next")
    except warm.WarmUnavailable as exc:
        row["rebuild1_warm"] = {"error": str(exc)}
    finally:
        resident.stop()
        warm.stop()
    peer_work = work / f"peers-{n}"
    peer_work.mkdir()
    if "floor" in peers:
        print(f"N={n}: floor", flush=True)
        row["floor"] = peer_floor(files, peer_work)
        print(f"N={n}: floor, marked profiles", flush=True)
        row["floor_marked"] = peer_floor(files, peer_work, marked=True)
    if "batch" in peers:
        print(f"N={n}: batched soffice", flush=True)
        row["batch"] = peer_batch(files, peer_work, SOFFICE_LIMIT, "batch")
    if "one-call" in peers:
        print(f"N={n}: one soffice call", flush=True)
        row["one_call"] = peer_batch(files, peer_work, len(files), "onecall")
    if "naive" in peers:
        print(f"N={n}: naive", flush=True)
        row["naive"] = peer_naive(files, peer_work, naive_max)
    if "unoserver" in peers and found.get("unoserver"):
        print(f"N={n}: unoserver", flush=True)
        row["unoserver"] = peer_unoserver(files, peer_work, found["unoserver"])
    if "carbone" in peers and found.get("carbone"):
        print(f"N={n}: carbone", flush=True)
        row["carbone"] = peer_carbone(len(files), peer_work, found["carbone"])
    print(f"N={n}: peak memory (separate runs, sampled)", flush=True)
    for key, mode in (("build", "pdf"), ("no_pdf", "docx")):
        probe = dhtt(folder, work / f"out-mem-{mode}-{n}", mode, work / f"cache-mem-{mode}-{n}", memory=True)
        row[key]["peak_mb"] = probe["peak_mb"]
    for value in row.values():
        if isinstance(value, dict):
            value.pop("stderr", None)
            value.pop("stdout", None)
    shutil.rmtree(peer_work, ignore_errors=True)
    return row


# --------------------------------------------------------------------------- report


def _s(row: dict, key: str) -> str:
    r = row.get(key)
    if not r or "seconds" not in r:
        return "n/a"
    text = f"{r['seconds']:.2f}"
    if r.get("estimated"):
        text = f"~{text} (est.)"
    if "made" in r and r["made"] < row["documents"] and key != "naive":
        text += f" (only {r['made']} PDFs)"
    return text


#: Where the README holds the tables of the last run (write_report replaces what is between).
README_START = "<!-- benchmark results: written by benchmarks/run.py -->"
README_END = "<!-- end of benchmark results -->"


def write_report(results: dict) -> None:
    rows = results["rounds"]
    lines = [
        f"Measured {results['when']} on {results['machine']} ({results['cpus']} CPUs, load average "
        f"{results['load']}), LibreOffice {results['libreoffice']}, Python {results['python']}. "
        "Seconds of wall time, measured with no sampler running; every column in the same run.",
        "",
        "| N | docs | dhtt build | floor | floor, marked profiles | batched soffice (200/call) | one soffice call "
        "| naive (1 per file) | unoserver | Carbone | build / floor | build / marked floor | `--no-pdf` | docs/s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    def ratio(r: dict, key: str) -> str:
        return f"{r['build']['seconds'] / r[key]['seconds']:.2f}" if "seconds" in r.get(key, {}) else "n/a"
    for r in rows:
        lines.append(f"| {r['n']} | {r['documents']} | {_s(r, 'build')} | {_s(r, 'floor')} | "
                     f"{_s(r, 'floor_marked')} | {_s(r, 'batch')} | "
                     f"{_s(r, 'one_call')} | {_s(r, 'naive')} | {_s(r, 'unoserver')} | {_s(r, 'carbone')} | "
                     f"{ratio(r, 'floor')} | {ratio(r, 'floor_marked')} | {_s(r, 'no_pdf')} | "
                     f"{r['documents'] / r['no_pdf']['seconds']:.0f} |")
    lines += ["", "Rebuilds (cache warm; converter cold unless said) and peak memory of the whole process tree "
              "(sum of PSS, MB; a separate run of the same cold build, sampled every 50 ms):", "",
              "| N | nothing changed | 1 changed | 2 changed | 1 changed, `--converter warm`, first edit | "
              "next edit | peak MB build | peak MB `--no-pdf` |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['n']} | {_s(r, 'rebuild0')} | {_s(r, 'rebuild1')} | {_s(r, 'rebuild2')} | "
                     f"{_s(r, 'rebuild1_warm')} | {_s(r, 'rebuild1_warm_next')} | {r['build']['peak_mb']:.0f} | "
                     f"{r['no_pdf']['peak_mb']:.0f} |")
    lines += ["", "Where the build's time goes (seconds per stage, cold build with PDFs; `documents` is render and "
              "conversion overlapped):", "", "| N | load | plan | documents | bundle | xlsx | bag | swap |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        s = r["build"]["stages"]
        lines.append(f"| {r['n']} | " + " | ".join(f"{s.get(k, 0):.2f}" for k in
                                                  ("load", "plan", "documents", "bundle", "xlsx", "bag", "swap")) + " |")
    (HERE / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if README_START in text and README_END in text:   # the README's copy of the tables, kept the same
        head, rest = text.split(README_START, 1)
        tail = rest.split(README_END, 1)[1]
        readme.write_text(f"{head}{README_START}\n" + "\n".join(lines) + f"\n{README_END}{tail}", encoding="utf-8")
    (HERE / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    plot(results)


def plot(results: dict) -> None:
    """plot.png, drawn by a Python of its own: matplotlib (with numpy) is kept out of the measured
    environment, where openpyxl would import numpy and every build would pay 0.2 s that a user's
    `pip install .` does not."""
    python = PEERS / "plot-venv" / "bin" / "python"
    def usable() -> bool:
        return python.exists() and subprocess.run([str(python), "-c", "import matplotlib"],
                                                  capture_output=True).returncode == 0
    if not usable():
        PEERS.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(python.parent.parent)], capture_output=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "matplotlib"], capture_output=True)
    if not usable():
        print("matplotlib could not be installed (PyPI unreachable?): no plot", file=sys.stderr)
        return
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as fh:
        json.dump(results, fh)
    try:
        subprocess.run([str(python), __file__, "--plot-child", fh.name], check=True)
    finally:
        os.unlink(fh.name)


def draw_plot(results: dict) -> None:
    """Run by `plot` in the plotting environment."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = results["rounds"]
    ns = [r["n"] for r in rows]
    fig, ax = plt.subplots(figsize=(7.0, 4.4), dpi=100)
    series = [("build", "dhtt-docs build", "o-"), ("no_pdf", "dhtt-docs --no-pdf", "s-"),
              ("floor", "conversion floor", "k--"), ("floor_marked", "floor, profiles marked as seen", "k:"),
              ("batch", "soffice, 200 files/call", "v-"),
              ("naive", "one soffice per file", "x:"), ("unoserver", "unoserver", "^-"), ("carbone", "Carbone", "d-"),
              ("rebuild1", "rebuild, 1 changed", ".-"), ("rebuild1_warm", "rebuild, 1 changed, --converter warm", "*-"),
              ("rebuild1_warm_next", "the next edit, --converter warm", "p-")]
    for key, label, style in series:
        pts = [(r["n"], r[key]["seconds"]) for r in rows if isinstance(r.get(key), dict) and "seconds" in r[key]]
        if pts:
            ax.plot(*zip(*pts), style, label=label)
    ax.set_xlabel("candidates in the round (N; N+3 documents)")
    ax.set_ylabel("seconds (wall)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(ns, [str(n) for n in ns])
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"dhtt-docs and peers, same run ({results['cpus']} CPUs)")
    fig.tight_layout()
    fig.savefig(HERE / "plot.png", metadata={"Software": None})


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--plot-child":
        draw_plot(json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 500, 1000])
    ap.add_argument("--peers", nargs="*", default=list(ALL_PEERS), choices=ALL_PEERS)
    ap.add_argument("--naive-max", type=int, default=53, help="files converted one per soffice (the rest estimated)")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    ap.add_argument("--plot-only", action="store_true",
                    help="redraw results.md, plot.png and the README's tables from results.json")
    args = ap.parse_args()
    if args.plot_only:
        write_report(json.loads((HERE / "results.json").read_text(encoding="utf-8")))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="dhtt-bench-"))
    lo = subprocess.run([_soffice(), "--version"], capture_output=True, text=True).stdout
    found = install_peers(set(args.peers))
    results = {"machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version(),
               "libreoffice": (lo.split() or ["?", "?"])[1] if lo else "?",
               "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "load": " ".join(f"{x:.1f}" for x in os.getloadavg()), "rounds": []}
    try:
        for n in sorted(args.sizes):
            results["rounds"].append(run_size(n, work, set(args.peers), found, args.naive_max))
            write_report(results)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print((HERE / "results.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
