#!/usr/bin/env python
"""Django's command-line utility; `interlocal` is the same thing once installed."""

from interlocal.cli import main

if __name__ == "__main__":
    main()
