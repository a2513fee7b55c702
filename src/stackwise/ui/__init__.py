"""What stackwise shows people while it works: the settings that decide how much
(`STACKWISE_LOGGING_VERBOSITY`, `STACKWISE_QUIET`), the console log handler, a run's progress
view (plain lines, or a live table on a terminal), progress bars for long transfers, and the
tracebacks of stackwise's errors (the user's frames only).

The bottom layer: it imports nothing of stackwise but the enums, the exceptions and the
logger, and rich only when something is drawn on a terminal, so `import stackwise` stays
light."""
