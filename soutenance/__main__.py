import sys

from soutenance.cli import main

sys.exit(main())
