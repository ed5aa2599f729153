"""``python -m hotline.client``: the ``hotline`` command."""

import sys

from .cli import main

sys.exit(main())
