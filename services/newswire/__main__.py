"""`python -m newswire`: the `newswire` command."""

import sys

from newswire.service.cli import main

sys.exit(main())
