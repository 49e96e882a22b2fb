"""The headless command line (click): `group` is the `aigeo` group; `items`, `themes`,
`feeds` and `analysis` are the command families; `context` is what they share.

A family module defines its commands and a COMMANDS tuple; the group module imports the
families and registers them, so no family imports the group (no import cycle).
"""
