"""The headless command line (click): `group` is the `aigeo` group; `items`, `themes`,
`feeds` and `analysis` are the command families; `context` is what they share.

A family module defines its commands and a COMMANDS tuple; the group module names every
command's family (COMMAND_MODULES) and imports a family when one of its commands is looked
up, so no family imports the group (no import cycle) and a command loads only its own.
"""
