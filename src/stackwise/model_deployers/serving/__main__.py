"""`python -m stackwise.model_deployers.serving`: a deployment's serving process."""

import sys

from stackwise.model_deployers.serving.server import main

sys.exit(main())
