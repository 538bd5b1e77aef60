from qdn_corpus.cli import main

main()
