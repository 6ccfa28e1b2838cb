#!/usr/bin/env python3
"""Speed of `dhtt-docs serve`: live re-validation of a 50-candidate round, and save-to-new-preview latency.

- re-validation: the live check of one candidate's unsaved form (its text in
  place of its file, the other 49 files and submission.yaml from the cache),
  both as the function (`Workspace.report`) and as the HTTP request the page
  sends while the user types (`POST /candidates/<id>/check`: parse the form,
  apply it to the YAML tree, check, render the findings);
- save-to-image: from `POST /candidates/<id>` (a changed report) until the
  preview of that report has its new page images (render DOCX, convert to
  PDF, pdftoppm); the first is cold, the next ones show the steady state.

Usage: .venv/bin/python benchmarks/web.py [--candidates 50] [--saves 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "web"))

from run import make_round  # noqa: E402  (benchmarks/run.py: the synthetic round)
from webutil import form_fields  # noqa: E402


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.1f} ms, max {max(samples) * 1000:.1f} ms (n={len(samples)})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--candidates", type=int, default=50)
    ap.add_argument("--saves", type=int, default=3)
    args = ap.parse_args()

    from starlette.testclient import TestClient

    from dhtt_docs.web.app import create_app
    from dhtt_docs.web.workspace import Workspace

    with tempfile.TemporaryDirectory(prefix="dhtt-web-bench-") as tmp:
        folder = make_round(Path(tmp), args.candidates)
        cid = sorted(p.stem for p in (folder / "candidates").glob("*.yaml"))[0]
        rel = f"candidates/{cid}.yaml"
        text = (folder / rel).read_text(encoding="utf-8")

        ws = Workspace(folder)
        start = time.perf_counter()
        ws.report()
        cold = time.perf_counter() - start
        fn = []
        for i in range(20):
            edited = text.replace("achievements: |\n", f"achievements: |\n  Sửa lần {i}.\n", 1)
            start = time.perf_counter()
            report = ws.report(rel, edited)
            fn.append(time.perf_counter() - start)
        assert len(report.verdicts) == args.candidates

        app = create_app(folder)
        with TestClient(app, base_url="http://127.0.0.1") as client:
            fields = form_fields(client.get(f"/candidates/{cid}").text)
            http = []
            for i in range(20):
                fields["achievements"] = f"Sửa lần {i}.\n" + fields["achievements"]
                start = time.perf_counter()
                r = client.post(f"/candidates/{cid}/check", data=fields)
                http.append(time.perf_counter() - start)
                assert r.status_code == 200

            print(f"Round of {args.candidates} candidates")
            print(f"  first load and check (cold):             {cold * 1000:.0f} ms")
            print(f"  re-validation, one file unsaved:          {_ms(fn)}")
            print(f"  live check request (form -> findings):    {_ms(http)}")

            previewer = app.state.site.previewer(app.state.site.single)
            stem = f"bao-cao-thanh-tich-{cid}"
            latencies = []
            for i in range(args.saves + 1):
                fields = form_fields(client.get(f"/candidates/{cid}").text)
                old = previewer.get(stem).key
                fields["achievements"] = f"Kết quả bổ sung lần {i}.\n" + fields["achievements"]
                start = time.perf_counter()
                r = client.post(f"/candidates/{cid}", data=fields, follow_redirects=False)
                assert r.status_code == 303
                while True:
                    doc = previewer.get(stem)
                    if doc.state == "failed":
                        raise SystemExit(f"preview failed: {doc.error}")
                    if doc.state == "ready" and doc.key != old:
                        break
                    time.sleep(0.02)
                latencies.append(time.perf_counter() - start)
            print(f"  save -> new preview images, first (cold): {latencies[0]:.2f} s")
            print("  save -> new preview images, next ones:    "
                  + ", ".join(f"{x:.2f} s" for x in latencies[1:]))
            print(f"  pages of the report: {previewer.get(stem).pages}")


if __name__ == "__main__":
    main()
