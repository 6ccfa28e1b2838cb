"""The tests' RoundBuilder, from tests/conftest.py (this folder's own conftest.py hides that module's name)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("dhtt_root_conftest", Path(__file__).resolve().parents[1] / "conftest.py")
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
RoundBuilder = _module.RoundBuilder
