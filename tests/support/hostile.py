"""Hostile text for the hardening suite: payloads with markers, and output checkers.

Every terminal attack here carries a unique *marker* inside the sequence (an OSC 52
clipboard payload, a window title, an OSC 8 link target, a DCS string). If a marker
shows up in what aigeo writes, the sequence it lived in was not removed. Visible
markers (plain words next to the attacks) must show up: they prove the field was
actually rendered, so a test cannot pass by showing nothing.

`terminal_problems` checks raw bytes written to a terminal by the dashboard: Textual's
own sequences (CSI, OSC 8 links with web URLs, OSC 22 pointer shapes) are allowed,
anything else from feed text is a failure. `text_problems` checks CLI text output, and
`json_problems` JSON output (valid, and no raw control characters even inside strings).
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata

# --------------------------------------------------------------------------- payloads

OSC52_SECRET = base64.b64encode(b"OSC52-PAWNED-CLIPBOARD").decode()  # T1NDNTIt…
MARKERS = (
    OSC52_SECRET,
    "OSC52-PAWNED",
    "WINTITLE0MARK",
    "WINTITLE2MARK",
    "osc8-marker.invalid",
    "OSC8LINKMARK",
    "DCSMARK",
    "APCMARK",
    "PMMARK",
    "SOSMARK",
    "C1OSCMARK",
    "C1DCSMARK",
    "UNTERMINATEDMARK",
    "SCRIPTMARK",
)
#: Hosts that feed text names in markup or Markdown: shown literally, never a link target.
LINK_MARKERS = ("markup-link.invalid", "ssh-link.invalid", "osc8-marker.invalid")
#: CSI parameters only feed text uses (Textual's coordinates and colours stay below 300).
CSI_MARKER_PARAMS = ("4242", "1337", "31337")

#: 8-bit escapes: legal characters even in XML 1.0, which forbids ESC itself.
C1_ESCAPES = ("\x9b4242m", "\x9d0;C1OSCMARK\x9c", "\x90C1DCSMARK\x9c")  # CSI, OSC … ST, DCS
ESCAPES = (
    "\x1b[38;5;196;4242m",  # colour
    "\x1b[1337;1337H",  # cursor move
    "\x1b[4242A\x1b[31337D",  # cursor up / left
    "\x1b[2J\x1b[3J",  # clear screen and scrollback
    "\x1b]8;;https://osc8-marker.invalid/OSC8LINKMARK\x1b\\click\x1b]8;;\x1b\\",
    f"\x1b]52;c;{OSC52_SECRET}\x07",  # clipboard write
    f"\x1b]52;p;{OSC52_SECRET}\x1b\\",
    "\x1b]0;WINTITLE0MARK\x07",  # window title
    "\x1b]2;WINTITLE2MARK\x1b\\",
    "\x1bPDCSMARK\x1b\\",
    "\x1b_APCMARK\x1b\\",
    "\x1b^PMMARK\x1b\\",
    "\x1bXSOSMARK\x1b\\",
    "\x1bc",  # full reset
    "\x1b(0",  # DEC line drawing charset
    "\x1b#8",  # screen alignment test (fills the screen with E)
    *C1_ESCAPES,
)
CONTROLS = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x1a\x1c\x7f\x85\x8d\x9f"
BIDI = "\u202eDESREVER\u202c \u2066isolate\u2069 \u202dforce\u202c \u200f\u061c"
ZERO_WIDTH = "zero\u200bwidth\u200c\u200d\u2060\ufeff"
COMBINING_FLOOD = "Z" + "\u0301\u0302\u0303\u0304" * 1250  # 5,000 combining marks
MARKUP = (
    "[bold]B[/bold] [/] [/foo] [@click=app.quit]CLICKQUIT[/] "
    "[link=https://markup-link.invalid/]L[/link] [on red]R[/] $accent [$accent]v[/] :smile:"
)
#: Markdown that would be a terminal hyperlink to a non-web scheme if taken as markup.
MARKDOWN_LINKS = "[sshlink](ssh://ssh-link.invalid/x) <x-man-page://ls> [f](file:///etc/passwd)"


def hostile(visible: str, *, long: bool = False) -> str:
    """One field's worth of every attack around a visible marker word.

    `long` adds a 10,000-character run and a combining-mark flood.
    """
    parts = [visible, *ESCAPES, CONTROLS, BIDI, ZERO_WIDTH, MARKUP, MARKDOWN_LINKS, visible]
    if long:
        parts += [COMBINING_FLOOD, "W" * 10_000]
    return " ".join(parts)


def hostile_html(visible: str) -> str:
    """Hostile HTML content: the text attacks as text, as entities and as active markup."""
    entities = "&#27;]52;c;" + OSC52_SECRET + "&#7; &#x9b;4242m &#27;]0;WINTITLE0MARK&#7;"
    return (
        f"<p>{visible} {_html_escape(hostile(visible))}</p>"
        f"<p>{entities}</p>"
        "<p><a href='javascript:alert(1)'>js</a> <a href='ssh://ssh-link.invalid/'>ssh</a>"
        " <a href='https://example.org/ok'>web link</a></p>"
        "<script>alert('SCRIPTMARK')</script><iframe src='https://markup-link.invalid/'></iframe>"
        f"<pre>```\n{_html_escape(MARKDOWN_LINKS)}\n```</pre>"
    )


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- checkers

_C1 = re.compile("[\x80-\x9f]")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # keeps \t and \n
_ESCAPE = re.compile(
    r"""\x1b(?:
        \[(?P<csi>[0-?]*)[ -/]*[@-~]              # CSI
      | \](?P<osc>[^\x07\x1b]*)(?:\x07|\x1b\\)    # OSC … BEL or ST
      | (?P<other>.)                              # anything else
    )""",
    re.VERBOSE | re.DOTALL,
)
SAFE_LINK = re.compile(r"(?:https?://|mailto:)[^\s]*")


def terminal_problems(data: bytes) -> list[str]:
    """What is wrong with bytes a full-screen app wrote to the terminal (empty: nothing).

    Allowed: CSI sequences (without the feed's marker parameters), OSC 8 hyperlinks to
    http(s)/mailto targets without markers, OSC 22 (pointer shape). Not allowed: any
    other escape, OSC 52 or a window title, a C1 control, a bidi override, a C0 control
    other than CR, LF and backspace, or any marker anywhere.
    """
    problems: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"not UTF-8: {exc}"]
    for marker in MARKERS:
        if marker in text:
            problems.append(f"marker {marker!r} reached the terminal")
    rest = []
    last = 0
    for match in _ESCAPE.finditer(text):
        rest.append(text[last : match.start()])
        last = match.end()
        if match.group("csi") is not None:
            params = re.split(r"[;:?<>=]", match.group("csi"))
            if any(p in CSI_MARKER_PARAMS for p in params):
                problems.append(f"feed CSI sequence {match.group(0)!r}")
        elif match.group("osc") is not None:
            osc = match.group("osc")
            number, _, payload = osc.partition(";")
            if number == "22":
                continue
            if number == "8":
                target = payload.partition(";")[2]
                if target and not SAFE_LINK.fullmatch(target):
                    problems.append(f"OSC 8 link to {target!r}")
                if any(host in target for host in LINK_MARKERS):
                    problems.append(f"OSC 8 link to a feed-named target {target!r}")
                continue
            problems.append(f"OSC {number} sequence {match.group(0)[:60]!r}")
        else:
            problems.append(f"escape {match.group(0)!r}")
    rest.append(text[last:])
    plain = "".join(rest)
    if bad := _C1.findall(plain):
        problems.append(f"C1 controls {sorted(set(bad))!r}")
    if bad := _BIDI_CONTROLS.findall(plain):
        problems.append(f"bidi controls {sorted(set(bad))!r}")
    if bad := re.findall("[\x00-\x07\x0b\x0c\x0e-\x1f\x7f]", plain):
        problems.append(f"C0 controls {sorted(set(bad))!r}")
    return problems


def text_problems(text: str) -> list[str]:
    """What is wrong with CLI text output: any escape, control (but \\n and \\t), C1,
    bidi override or marker."""
    problems = [f"marker {m!r} in output" for m in MARKERS if m in text]
    if bad := _RAW_CONTROLS.findall(text):
        problems.append(f"raw controls {sorted(set(bad))!r}")
    if bad := _BIDI_CONTROLS.findall(text):
        problems.append(f"bidi controls {sorted(set(bad))!r}")
    return problems


def json_problems(text: str) -> list[str]:
    """What is wrong with JSON output: invalid, or raw controls/C1/bidi in the text
    (the data may hold anything, but only as escapes such as \\u001b)."""
    try:
        json.loads(text)
    except ValueError as exc:
        return [f"invalid JSON: {exc}"]
    problems = []
    if bad := _RAW_CONTROLS.findall(text):
        problems.append(f"raw controls {sorted(set(bad))!r}")
    if bad := _BIDI_CONTROLS.findall(text):
        problems.append(f"raw bidi controls {sorted(set(bad))!r}")
    if "\u2028" in text or "\u2029" in text:
        problems.append("raw line/paragraph separators")
    return problems


def one_line_problems(value: str | None) -> list[str]:
    """What is wrong with a stored one-line field (title, author): controls, line
    breaks, escapes, bidi overrides."""
    if not value:
        return []
    problems = []
    if bad := re.findall("[\x00-\x1f\x7f-\x9f]", value):
        problems.append(f"controls {sorted(set(bad))!r}")
    if bad := _BIDI_CONTROLS.findall(value):
        problems.append(f"bidi controls {sorted(set(bad))!r}")
    if any(unicodedata.category(ch) == "Zl" or unicodedata.category(ch) == "Zp" for ch in value):
        problems.append("line separators")
    return problems
