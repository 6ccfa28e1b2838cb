"""Process groups of a build's converters (pdf/procs.py): every one is killed when the build stops,
also one that starts just after the stop (a worker checks `stopping`, the stop comes, then the worker
starts its LibreOffice)."""

from __future__ import annotations

import subprocess
import sys
import time

from dhtt_docs.pdf.procs import ProcessGroups


def test_a_group_started_after_kill_all_is_killed_at_once():
    groups = ProcessGroups()
    groups.kill_all()                                   # the build stops...
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    try:
        groups.add(proc.pid)                            # ...before this worker's LibreOffice is noted
        assert proc.wait(timeout=10) == -9
    finally:
        if proc.poll() is None:
            proc.kill()


def test_groups_started_before_kill_all_are_killed_by_it():
    groups = ProcessGroups()
    procs = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
             for _ in range(2)]
    try:
        for proc in procs:
            groups.add(proc.pid)
        time.sleep(0.1)
        assert all(p.poll() is None for p in procs)
        groups.kill_all()
        assert [p.wait(timeout=10) for p in procs] == [-9, -9]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
