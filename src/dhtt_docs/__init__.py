"""dhtt-docs: dossiers of điển hình tiên tiến (plan 1935/KH-BHXH) from YAML to signed-ready documents."""

__version__ = "0.1.0"
