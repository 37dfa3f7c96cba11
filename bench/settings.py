"""The site's settings, with STATIC_ROOT moved to the benchmark's own folder.

The warm benchmark compares the app with WhiteNoise serving a file of the same size, and
that file must not land in the repository's staticfiles/.
"""

import os
from pathlib import Path

from briefroom.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT))  # noqa: F405
