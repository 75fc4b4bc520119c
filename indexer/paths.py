"""Default locations of the corpus and the index (each overridable by flag or environment).

From a checkout (or an editable install) they are the project's own seeds/
and index/; from an installed copy, those folders under the working directory.
"""

import os
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent
PROJECT_DIR = _CHECKOUT if (_CHECKOUT / "seeds").is_dir() else Path.cwd()
DEFAULT_SOURCE = Path(os.environ.get("ARABIC_SEARCH_SOURCE") or PROJECT_DIR / "seeds")
DEFAULT_INDEX = Path(os.environ.get("ARABIC_SEARCH_INDEX") or PROJECT_DIR / "index")
