"""Modal screens: prompts, confirmations, the theme editor and help."""
