"""Small helpers shared by every layer; nothing here imports stackwise's other packages."""
