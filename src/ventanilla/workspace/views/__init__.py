"""Views of the agent workspace, one module per page or group of actions."""
