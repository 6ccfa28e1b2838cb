from dhtt_docs.cli import main

main()
