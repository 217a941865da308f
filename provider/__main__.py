"""Entry point of the source-based plugin: hosts every immutable-components component."""

from immutable_components.provider import main

if __name__ == "__main__":
    main()
