"""Dashboard panels: sources, themes, the item list and the reading pane."""
