"""Allow `python -m payroll_link.cli`."""

import sys

from payroll_link.cli import main

sys.exit(main())
