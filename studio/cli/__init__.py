"""The headless command line: the same engine and library as the desktop app."""
