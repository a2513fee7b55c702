"""The serving process of a model deployment (FastAPI + uvicorn, started detached by a model
deployer). Nothing here is imported by `import stackwise` or by the deployer itself: only the
serving process loads fastapi and uvicorn."""
