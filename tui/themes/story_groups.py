"""Which decided items are copies of one story, so their words count once as evidence.

A headline syndicated or lightly rewritten ("Interpretability team maps millions of
features inside a language model" / "Anthropic's interpretability team maps millions
of features inside Claude") is one story: every phrase of its wording would otherwise
reach a suggestion's support on its own. Items whose title words overlap by SAME_STORY
(Jaccard) are one story, joined transitively. The store's own story clusters are not
used: they are assigned later, in the background, and only among recent items.
"""

from __future__ import annotations

SAME_STORY = 0.5


def same_stories(titles: dict[int, set[str]], common: int = 50) -> dict[int, int]:
    """Item → the smallest id of its story: items whose title words overlap by
    SAME_STORY (Jaccard) are one story (a headline syndicated or rewritten), joined
    transitively. Words in more than `common` titles do not pair items up."""
    by_word: dict[str, list[int]] = {}
    for item_id, words in titles.items():
        for word in words:
            by_word.setdefault(word, []).append(item_id)
    parent = {i: i for i in titles}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for item_id, words in titles.items():
        near = {j for w in words if len(by_word[w]) <= common for j in by_word[w] if j > item_id}
        for other in near:
            both = titles[other]
            if len(words & both) >= SAME_STORY * len(words | both):
                a, b = root(item_id), root(other)
                parent[max(a, b)] = min(a, b)
    return {i: root(i) for i in titles}
