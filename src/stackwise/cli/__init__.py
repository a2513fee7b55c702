"""The `stackwise` command line. `main.py` holds the root group; each concept has its own module,
imported only when one of its commands runs, so `stackwise --help` stays fast."""
