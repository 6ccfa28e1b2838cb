"""dhtt-docs: dossiers of điển hình tiên tiến, checked against a plan profile, from YAML to signed-ready documents."""

__version__ = "0.1.0"
