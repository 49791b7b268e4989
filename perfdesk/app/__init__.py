"""The services the CLI and the GUI share: plain functions over the store and explicit inputs, no Qt."""
