"""Scripts for whoever maintains or packages the tool (run from the project folder: python tools/NAME.py)."""
