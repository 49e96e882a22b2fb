"""The dashboard's action groups: typed parts the DashboardScreen holds, one per concern.

Each part takes the screen as a `Dashboard` (a Protocol in `base`), never the App type:
no `self: AigeoApp` mixins and no import cycle.
"""
