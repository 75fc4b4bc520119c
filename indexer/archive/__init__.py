"""What an archive asks of a search beside its words: only some sources or dates,
newest first, how many matches each source and year holds, copies folded.

``filters.py`` reads and checks what was asked; ``attributes.py`` holds each
document's source, day and group of copies as arrays, read once per index
generation; ``arrange.py`` applies them to every document a query matches.
"""
