"""Commands a remote orchestrator runs. `python -m stackwise.entrypoints.step` runs one step of
a recorded run (`stackwise.entrypoints.step.step_command` builds its command line)."""
