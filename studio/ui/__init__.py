"""Thin widgets: they bind to models and call their actions, and never touch the network or
the library directly."""
