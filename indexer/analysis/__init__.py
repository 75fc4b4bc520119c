"""Analysis: Arabic text to terms, token by token (offsets stay in the original text).

The one chain used for indexing, queries and snippets: ``chain.py`` builds it
from the tokenizer and the filters; ``normalize.py`` holds the character
table (alef and hamza forms, marks, tatweel, digits, invisible controls),
``stemming.py`` the light stemmer and the roots (``data/`` its exclusions),
``stopwords.py`` the stop lists and ``variants.py`` the spelling keys of names.
"""
