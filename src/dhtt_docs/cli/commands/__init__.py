"""One module per command; `dhtt_docs.cli.app` registers them."""
