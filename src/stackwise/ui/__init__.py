"""What stackwise shows people while it works: the settings that decide how much
(`STACKWISE_LOGGING_VERBOSITY`, `STACKWISE_QUIET`), the console log handler, a run's progress
view (plain lines, or a live table on a terminal) and progress bars for long transfers.

The bottom layer: it imports nothing of stackwise but the enums and the logger, and rich only
when something is drawn on a terminal, so `import stackwise` stays light."""
