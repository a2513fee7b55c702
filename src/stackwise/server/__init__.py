"""The stackwise server: a FastAPI app over any Store, spoken to by `RestStore`.

`create_app(store)` builds the app; `stackwise server` and `stackwise login --local` run it
under uvicorn. The client side (Client, pipelines, RestStore) never imports this package.
"""

from __future__ import annotations

from stackwise.server.app import create_app

__all__ = ["create_app"]
