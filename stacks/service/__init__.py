"""The example service's building blocks, one module each: the images, the fleet, the
drift rule. ``stacks/__main__.py`` wires them together from the stack's settings."""
