"""The one line a user's suite needs for armsim's hypothesis profiles (``dev``, ``ci``: HYPOTHESIS_PROFILE)."""

pytest_plugins = ["armsim.testing.pytest_plugin"]
