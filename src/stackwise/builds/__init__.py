"""Pipeline builds: DockerSettings turned into build contexts, built by the stack's image
builder, recorded in the store and reused while their content is unchanged."""
