"""Word lists per language: filler words (defaults; the config may replace them) and the small
words that say nothing about a key point. Written folded (see soutenance.text.fold)."""

from __future__ import annotations

FILLERS = {
    "fr": [
        "euh", "heu", "bah", "ben", "bon ben", "du coup", "en fait", "voila", "genre",
        "en gros", "tu vois", "vous voyez", "enfin bref", "en mode", "comment dire",
        "j'veux dire", "on va dire",
    ],
    "en": [
        "um", "uh", "erm", "er", "hmm", "like", "you know", "basically", "actually", "literally",
        "i mean", "sort of", "kind of", "you see", "so yeah", "okay so", "right so",
    ],
}  # fmt: skip


def _words(text: str) -> set[str]:
    return set(text.split())


STOPWORDS = {
    "fr": _words(
        "a au aux avec ce ces cet cette d dans de des du elle en est et etre il ils je l la le les "
        "leur leurs lui ma mais me mes moi mon ne nos notre nous on ou par pas pour qu que qui sa "
        "se ses si son sont sur ta te tes toi ton tu un une vos votre vous y c s n j m t sans plus "
        "tres bien fait faire comme aussi entre quand chaque tout tous toutes"
    ),
    "en": _words(
        "a an and are as at be been but by can do does for from had has have how i if in into is "
        "it its of on or our so than that the their them then there these they this to was we "
        "were what when which who will with you your not no more very also each every all any "
        "about out up"
    ),
}

ALLOWED_DOUBLES = {
    "fr": {"nous nous", "vous vous"},
    "en": {"that that", "had had"},
}
"""Words said twice in a row that are grammar, not a stumble."""
