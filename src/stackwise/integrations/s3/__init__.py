"""The S3 integration: an artifact store on Amazon S3 or any S3-compatible server (MinIO,
Ceph, moto), through s3fs.

Install it with `pip install "stackwise[s3]"`. This module must stay importable without s3fs:
`stackwise integration list` reads the name and requirements from here.
"""

from __future__ import annotations

S3 = "s3"
"""The integration's name: the extra to install and the `integration` of its flavors."""

REQUIREMENTS: list[str] = ["s3fs>=2024.6.0"]
"""What `pip install "stackwise[s3]"` installs (kept in step with pyproject.toml)."""

__all__ = ["REQUIREMENTS", "S3"]
