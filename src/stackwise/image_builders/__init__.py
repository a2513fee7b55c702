"""Image builders: what builds a pipeline build's images from their build context."""
