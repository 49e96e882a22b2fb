"""How much could learned phrases help at best? Mined from one half's gold labels.

    uv run python -m tests.bench.themes_phrase_ceiling   # tune gold, held-out scored

Every word and word pair of the tuning half (as `aigeo learned` tokenises them,
topical ones only, none the lexicon has) is scored by how well it separates a
theme's gold items from the rest of that half, as if the analyst had decided every
theme of every item; the best ones per theme are added to the lexicon and the other
half is scored (aggregates only). This bounds the suggestion path from above: with
100 decisions the product sees far less than a whole half's labels.
"""

from __future__ import annotations

import argparse
import itertools
import sys

from tests.support.themes_devset import HELD_OUT, TUNE, evaluate, half, lexicon_predictor
from tests.support.themes_devset import load_devset as load
from tui.themes.dismissed import actor_words, is_topical
from tui.themes.learning import (
    Suggestion,
    index_of,
    known_phrases,
    phrase_index,
    terms_of,
    with_phrases,
    z_score,
)
from tui.themes.loader import compile_lexicon, lexicon_document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learn-on", choices=[TUNE, HELD_OUT], default=TUNE)
    args = parser.parse_args(argv)
    from tui.themes import load_lexicon

    lexicon = load_lexicon(overlay=None)
    items = load()
    other = HELD_OUT if args.learn_on == TUNE else TUNE
    train, test = half(items, args.learn_on), half(items, other)
    doc = lexicon_document(None, None)
    known, gate = known_phrases(doc)
    actors = actor_words(lexicon)
    index, names = phrase_index(doc), index_of(actors)
    terms = {i.id: terms_of(i.title, i.summary, index, names) for i in train}
    base = evaluate(test, lexicon_predictor(lexicon), lexicon.theme_ids)
    print(f"learned on {args.learn_on}, scored on {other}: F1 {base.themes.f1:.3f} without")
    print("min support, min precision, min z, weight (word; pair x1.5): phrases, gain, P, R, distr")
    for support, precision, min_z, weight in itertools.product(
        (2, 3, 5), (0.6, 0.8, 0.95), (2.0, 3.0), (1.0, 2.0, 3.0)
    ):
        found = []
        for theme in lexicon.theme_ids:
            yes = [i for i in train if theme in i.themes]
            inside: dict[str, int] = {}
            outside: dict[str, int] = {}
            for item in train:
                counts = inside if theme in item.themes else outside
                for term in terms[item.id]:
                    counts[term] = counts.get(term, 0) + 1
            for term, a in inside.items():
                b = outside.get(term, 0)
                if a < support or a / (a + b) < precision or term in gate:
                    continue
                if term in known.get(theme, set()) or not is_topical(term, actors):
                    continue
                if z_score(a, len(yes), b, len(train) - len(yes)) < min_z:
                    continue
                w = weight * (1.5 if " " in term else 1.0)
                found.append(Suggestion(theme, term, w, 0.0, a, len(yes), 0, 0, b, 0))
        draft = compile_lexicon(with_phrases(doc, found), "ceiling")
        s = evaluate(test, lexicon_predictor(draft), lexicon.theme_ids)
        gain = 100 * (s.themes.f1 - base.themes.f1)
        print(
            f"  {support} {precision:.2f} {min_z:.0f} {weight:.0f}: {len(found):4d} {gain:+5.1f}"
            f"  P {s.themes.precision:.3f} R {s.themes.recall:.3f}"
            f"  {100 * s.distractor_rate:.1f}%"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
