"""Getting feeds: fetch (HTTP), schedule, parse (formats), parse workers, the poller,
OPML, full-article fetching and source health.

httpx 0.28 imports its own command line (`httpx._main`: rich and pygments) whenever it
is imported, which cost every refresh ~40 ms of start-up for code aigeo never runs (a
known httpx wart; later forks import it lazily). Everything here that imports httpx is
in this package, so this package puts a stand-in for that module in place first. It
changes nothing else: `httpx.main`, the CLI's entry point, just says it is absent.
"""

import sys
import types


def _without_httpx_cli() -> None:
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return  # imported already (then the real one is loaded): leave it as it is

    def main() -> None:
        raise SystemExit("httpx's command line is not part of aigeo: run `python -m httpx`")

    stand_in = types.ModuleType("httpx._main", "httpx's command line (not loaded by aigeo)")
    stand_in.main = main  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = stand_in


_without_httpx_cli()
