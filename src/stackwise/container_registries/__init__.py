"""Container registries: where the images of a pipeline build are pushed and pulled from."""
