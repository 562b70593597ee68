"""Generate large, realistic-looking question banks for the benchmarks (deterministic, seeded).

    python benchmarks/generate_banks.py OUT_DIR [--questions 50000] [--files 500] [--seed 2024]
    python benchmarks/generate_banks.py OUT_DIR --small-vocabulary   # hostile: 40 words in all

Writes OUT_DIR/<path-id>/<project-id>.yaml, one project per file, spread over ten learning paths
(French and English). Question texts are assembled from varied phrasings and vocabulary, naming
the project's brand and topic, so that near-duplicate detection has realistic work, with a few
deliberate near-duplicates and about 1 % of questions or follow-ups without key points (so lint
has some warnings to report, as real banks do). Each question has key points, follow-ups (bare
text or with key points), a difficulty, a time limit that grows with it in one of the accepted
spellings, tags and, now and then, a comment. The same arguments always produce byte-identical
files.

With --small-vocabulary, every question text, key point and follow-up is a random run of words
from one vocabulary of 40 words, as templated or generated banks are: every word is common, which
is the worst case for a near-duplicate search that looks for rare shared words.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

DEFAULT_QUESTIONS = 50_000
DEFAULT_FILES = 500
DEFAULT_SEED = 2024

PATHS = [
    ("Chef de projet digital", "fr"),
    ("Growth Marketer", "en"),
    ("Chargé de communication", "fr"),
    ("Content Manager", "en"),
    ("Traffic Manager", "fr"),
    ("Social Media Manager", "en"),
    ("Responsable CRM et fidélisation", "fr"),
    ("Brand Manager", "en"),
    ("Consultant SEO", "fr"),
    ("Product Marketing Manager", "en"),
]

VOCAB = {
    "fr": {
        "roles": [
            "La directrice marketing de la marque, qui a commandé la campagne",
            "Le fondateur de la start-up, pressé de voir des résultats",
            "La responsable des achats, attentive au moindre euro",
            "Le directeur commercial, sceptique sur le digital",
            "La cliente, gérante d'un réseau de boutiques",
        ],
        "topics": [
            "stratégie de contenu",
            "campagne d'acquisition",
            "lancement produit",
            "refonte du site",
            "programme de fidélité",
            "plan média",
            "audit de notoriété",
            "calendrier éditorial",
            "partenariat influence",
            "gestion de crise",
            "étude de marché",
            "plateforme de marque",
            "relations presse",
            "newsletter mensuelle",
            "salon professionnel",
            "application mobile",
        ],
        "titles": [
            "Construisez la {topic} d'une marque régionale",
            "Pilotez la {topic} d'un lancement",
            "Présentez la {topic} à un comité de direction",
            "Optimisez la {topic} d'une PME",
            "Défendez votre {topic} devant la cliente",
            "Évaluez la {topic} d'un concurrent",
        ],
        "openers": [
            "Pourquoi avez-vous choisi",
            "Comment justifiez-vous",
            "Qu'est-ce qui vous fait préférer",
            "Sur quels chiffres fondez-vous",
            "Que se passe-t-il si nous supprimons",
            "Comment mesurerez-vous l'effet de",
            "Qui valide, et quand,",
            "Combien coûte réellement",
            "Quel risque voyez-vous dans",
            "Comment expliquez-vous au comité",
            "Que répondez-vous si l'agence conteste",
            "Sur quel délai tenez-vous",
        ],
        "objects": [
            "le budget alloué aux réseaux sociaux",
            "la cible des 25-34 ans urbains",
            "le ton décalé de vos publications",
            "le choix d'Instagram plutôt que LinkedIn",
            "les indicateurs de performance retenus",
            "le calendrier de publication hebdomadaire",
            "le recours à trois micro-influenceurs",
            "la répartition entre vidéo et visuels fixes",
            "le circuit de validation des contenus",
            "la fréquence des newsletters",
            "le coût par acquisition visé",
            "les jalons de livraison de l'agence",
            "la charte graphique déclinée",
            "la segmentation de la base clients",
            "le plan de modération des commentaires",
            "l'arbitrage entre notoriété et conversion",
            "la mesure du retour sur investissement",
            "le référencement des fiches produits",
            "la campagne de relance des paniers abandonnés",
            "le partenariat avec l'association locale",
            "les droits d'utilisation des photos",
            "le test A/B de la page d'accueil",
            "la saisonnalité des ventes en décembre",
            "la présence sur TikTok",
            "le brief remis aux freelances",
            "le tableau de bord mensuel",
            "la gestion des avis négatifs",
            "la refonte de la page tarifs",
            "le ciblage géographique des annonces",
            "le podcast de marque",
        ],
        "qualifiers": [
            "alors que le budget baisse de 30 %",
            "avec une équipe de deux personnes",
            "sans l'appui de l'agence",
            "en moins de six semaines",
            "face à un concurrent plus visible",
            "pour un public qui ne nous connaît pas",
            "dans un marché saturé",
            "quand la direction attend des ventes dès le premier mois",
            "avec des données incomplètes",
            "si le lancement glisse d'un trimestre",
            "après une crise sur les réseaux",
            "au regard des résultats de l'an dernier",
        ],
        "key_points": [
            "Objectif chiffré et daté",
            "Hypothèse explicite et vérifiable",
            "Arbitrage coût et impact",
            "Indicateur de suivi choisi",
            "Source des données citée",
            "Alternative envisagée et écartée",
            "Calendrier et jalons",
            "Circuit de validation",
            "Risque identifié et parade",
            "Lien avec la cible",
            "Budget détaillé par poste",
            "Rôle de chaque interlocuteur",
            "Critères d'acceptation des livrables",
            "Plan B si l'indicateur décroche",
            "Benchmark concurrentiel",
            "Cohérence avec la plateforme de marque",
        ],
        "follow_ups": [
            "Et si le budget était divisé par deux ?",
            "Quel chiffre vous ferait changer d'avis ?",
            "Que dites-vous au comité si le résultat est décevant ?",
            "Qui porte ce risque : vous ou l'agence ?",
            "Comment le vérifiez-vous dans trois mois ?",
            "Que sacrifiez-vous en premier ?",
            "Pouvez-vous le dire en une phrase à la directrice ?",
            "Qu'aurait fait un concurrent ?",
        ],
        "tags": [
            "budget",
            "cible",
            "kpi",
            "calendrier",
            "agence",
            "validation",
            "contenu",
            "risque",
            "roi",
            "canal",
            "marque",
            "donnees",
        ],
        "comments": [
            "# --- Justifier les choix ---",
            "# Questions de chiffrage",
            "# À retravailler avec le jury",
            "# Angle mort fréquent des étudiants",
            "# Relances en situation",
        ],
    },
    "en": {
        "roles": [
            "The brand's marketing director, who ordered the campaign",
            "The start-up founder, impatient for results",
            "The head of procurement, watching every dollar",
            "The sales director, sceptical about digital",
            "The client, who runs a chain of stores",
        ],
        "topics": [
            "content strategy",
            "acquisition campaign",
            "product launch",
            "website redesign",
            "loyalty programme",
            "media plan",
            "brand awareness audit",
            "editorial calendar",
            "influencer partnership",
            "crisis response",
            "market study",
            "brand platform",
            "press relations",
            "monthly newsletter",
            "trade show",
            "mobile app",
        ],
        "titles": [
            "Build the {topic} of a regional brand",
            "Run the {topic} of a launch",
            "Present the {topic} to an executive board",
            "Optimise the {topic} of a small business",
            "Defend your {topic} in front of the client",
            "Assess a competitor's {topic}",
        ],
        "openers": [
            "Why did you choose",
            "How do you justify",
            "What makes you prefer",
            "Which figures support",
            "What happens if we drop",
            "How will you measure the effect of",
            "Who signs off, and when, on",
            "What does it really cost to run",
            "What risk do you see in",
            "How would you explain to the board",
            "What do you answer if the agency challenges",
            "Which deadline do you commit to for",
        ],
        "objects": [
            "the budget given to social media",
            "the urban 25-34 target",
            "the playful tone of your posts",
            "Instagram rather than LinkedIn",
            "the performance indicators you picked",
            "the weekly publishing calendar",
            "working with three micro-influencers",
            "the split between video and still images",
            "the content approval workflow",
            "the newsletter frequency",
            "the target cost per acquisition",
            "the agency's delivery milestones",
            "the adapted visual identity",
            "the customer base segmentation",
            "the comment moderation plan",
            "the trade-off between awareness and conversion",
            "the return on investment measurement",
            "the product page SEO",
            "the abandoned cart campaign",
            "the partnership with the local charity",
            "the photo usage rights",
            "the home page A/B test",
            "the December sales peak",
            "being on TikTok",
            "the brief sent to freelancers",
            "the monthly dashboard",
            "handling negative reviews",
            "the pricing page redesign",
            "geo-targeting the ads",
            "the branded podcast",
        ],
        "qualifiers": [
            "while the budget drops by 30%",
            "with a team of two",
            "without the agency's help",
            "in less than six weeks",
            "against a more visible competitor",
            "for an audience that does not know us",
            "in a saturated market",
            "when the board expects sales in the first month",
            "with incomplete data",
            "if the launch slips by a quarter",
            "after a social media crisis",
            "given last year's results",
        ],
        "key_points": [
            "Dated, quantified objective",
            "Explicit, testable assumption",
            "Cost versus impact trade-off",
            "Tracking indicator chosen",
            "Data source quoted",
            "Alternative considered and rejected",
            "Schedule and milestones",
            "Approval workflow",
            "Risk identified and mitigation",
            "Link with the target audience",
            "Budget broken down by item",
            "Role of each stakeholder",
            "Acceptance criteria for deliverables",
            "Plan B if the indicator drops",
            "Competitive benchmark",
            "Consistency with the brand platform",
        ],
        "follow_ups": [
            "And if the budget were halved?",
            "Which figure would change your mind?",
            "What do you tell the board if the result disappoints?",
            "Who carries that risk: you or the agency?",
            "How do you check it in three months?",
            "What do you sacrifice first?",
            "Can you say it in one sentence to the director?",
            "What would a competitor have done?",
        ],
        "tags": [
            "budget",
            "audience",
            "kpi",
            "schedule",
            "agency",
            "approval",
            "content",
            "risk",
            "roi",
            "channel",
            "brand",
            "data",
        ],
        "comments": [
            "# --- Justify the choices ---",
            "# Figures and costs",
            "# To rework with the jury",
            "# A frequent blind spot",
            "# Follow-ups in role",
        ],
    },
}

SMALL_VOCABULARY = {
    "fr": [
        "budget",
        "cible",
        "canal",
        "campagne",
        "marque",
        "client",
        "agence",
        "objectif",
        "mesure",
        "contenu",
        "calendrier",
        "risque",
        "public",
        "vente",
        "produit",
        "prix",
        "marge",
        "saison",
        "lancement",
        "notoriété",
        "conversion",
        "audience",
        "réseau",
        "message",
        "image",
        "équipe",
        "délai",
        "coût",
        "retour",
        "données",
        "indicateur",
        "test",
        "offre",
        "partenaire",
        "presse",
        "crise",
        "valeur",
        "tarif",
        "commande",
        "période",
    ],
    "en": [
        "budget",
        "target",
        "channel",
        "campaign",
        "brand",
        "client",
        "agency",
        "goal",
        "measure",
        "content",
        "calendar",
        "risk",
        "audience",
        "sales",
        "product",
        "price",
        "margin",
        "season",
        "launch",
        "awareness",
        "conversion",
        "reach",
        "network",
        "message",
        "image",
        "team",
        "deadline",
        "cost",
        "return",
        "data",
        "indicator",
        "test",
        "offer",
        "partner",
        "press",
        "crisis",
        "value",
        "rate",
        "order",
        "period",
    ],
}


def small_vocabulary_text(rng: random.Random, language: str, low: int = 6, high: int = 16) -> str:
    """A run of words from the 40-word vocabulary: grammatical nonsense, as hostile as it gets."""
    text = " ".join(rng.choice(SMALL_VOCABULARY[language]) for _ in range(rng.randint(low, high)))
    return text[0].upper() + text[1:] + (" ?" if language == "fr" else "?")


_PLAIN_SAFE = re.compile(r"[A-Za-zÀ-ÿ0-9][^:#\[\]{},\"\n&*!|>%@`]*[^:\s]")
_ACCENTS = str.maketrans("àâäéèêëîïôöùûüçœ", "aaaeeeeiioouuuco")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().translate(_ACCENTS)).strip("-")


def scalar(text: str) -> str:
    """A YAML scalar for the text: plain when it is safe, else double-quoted."""
    if _PLAIN_SAFE.fullmatch(text) and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def flow_list(items: list[str]) -> str:
    return "[" + ", ".join(scalar(i) for i in items) + "]"


def question_text(rng: random.Random, words: dict, context: str) -> str:
    """A question of the project: opener, object, often a qualifier, and the project's context."""
    opener = rng.choice(words["openers"])
    obj = rng.choice(words["objects"])
    text = f"{opener} {obj}"
    if rng.random() < 0.75:
        text += f" {rng.choice(words['qualifiers'])}"
    if rng.random() < 0.3:
        other = rng.choice(words["objects"])
        text += f", et pas {other}" if words is VOCAB["fr"] else f", and not {other}"
    return text + context + (" ?" if words is VOCAB["fr"] else "?")


def project_context(rng: random.Random, language: str, topic: str) -> str:
    """What every question of a project names: its brand and topic (projects of a path differ)."""
    brand = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
    return f" pour la {topic} de {brand}" if language == "fr" else f" for {brand}'s {topic}"


SYLLABLES = ["lu", "ma", "ro", "vi", "ta", "ne", "so", "ka", "pi", "dre", "mon", "sel", "cor", "ba"]


def near_duplicate(rng: random.Random, text: str, language: str) -> str:
    """A rephrasing that keeps the words: what a mentor adds twice without noticing."""
    if language == "fr":
        return text.removesuffix(" ?") + rng.choice([", précisément ?", ", concrètement ?"])
    return text.removesuffix("?") + rng.choice([", exactly?", ", concretely?"])


SECONDS_BY_DIFFICULTY = {1: [60, 90], 2: [90, 90, 120, 150], 3: [150, 180, 240]}
"""A harder question never gets less time than an easier one (lint warns otherwise)."""


def time_limit(rng: random.Random, difficulty: int) -> str:
    seconds = rng.choice(SECONDS_BY_DIFFICULTY[difficulty])
    spelling = rng.randrange(4)
    if spelling == 0:
        return str(seconds)
    if spelling == 1:
        return f"{seconds // 60}:{seconds % 60:02d}"
    if spelling == 2:
        return f"{seconds}s"
    return f"{seconds // 60}m" if seconds % 60 == 0 else f'"{seconds}"'


def bank_text(
    rng: random.Random,
    path_name: str,
    language: str,
    project_id: str,
    title: str,
    count: int,
    context: str,
    small: bool = False,
) -> str:
    words = VOCAB[language]
    if small:
        nonsense = [small_vocabulary_text(rng, language, 2, 5).rstrip(" ?") for _ in range(40)]
        words = words | {"key_points": nonsense[:16], "follow_ups": nonsense[16:24]}
    lines = [
        "# yaml-language-server: $schema=../bank.schema.json",
        "project:",
        f"  id: {project_id}",
        f"  title: {scalar(title)}",
        f"  path: {scalar(path_name)}",
        f"  language: {language}",
        f"  evaluator_role: {scalar(rng.choice(words['roles']))}",
    ]
    if rng.random() < 0.5:
        presentation = rng.choice([10, 15, 20])
        lines.append(
            f"  format: {{presentation: {presentation}, discussion: {rng.choice([10, 15])}, debrief: 5}}"
        )
    lines += [
        "  description: >-",
        f"    {title}. "
        + (
            "Projet généré pour les mesures de performance."
            if language == "fr"
            else "A project generated for the benchmarks."
        ),
        "",
        "questions:",
    ]
    texts: list[str] = []
    seen: set[str] = set()
    for index in range(count):
        if rng.random() < 0.06:
            lines.append(f"  {rng.choice(words['comments'])}")
        if texts and rng.random() < 0.005:
            text = near_duplicate(rng, rng.choice(texts), language)
        elif small:
            text = small_vocabulary_text(rng, language)
        else:
            text = question_text(rng, words, context)
            for _ in range(5):  # a mentor rarely writes the very same question twice
                if text not in seen:
                    break
                text = question_text(rng, words, context)
        texts.append(text)
        seen.add(text)
        number = project_id.split("-")[0]
        qid = f"{number}-q{index + 1:04d}-{slug(' '.join(text.split()[1:4]))[:40].strip('-')}"
        lines.append(f"  - id: {qid}")
        if len(text) > 90 and rng.random() < 0.2:
            lines.append("    text: >-")
            cut = text.rfind(" ", 0, len(text) // 2)
            lines += [f"      {text[:cut]}", f"      {text[cut + 1 :]}"]
        else:
            lines.append(f"    text: {scalar(text)}")
        if rng.random() >= 0.01:
            points = rng.sample(words["key_points"], rng.randint(3, 5))
            if rng.random() < 0.5:
                lines.append(f"    key_points: {flow_list(points)}")
            else:
                lines.append("    key_points:")
                lines += [f"      - {scalar(p)}" for p in points]
        lines.append("    follow_ups:")
        for _ in range(rng.randint(1, 3)):
            follow = rng.choice(words["follow_ups"])
            if rng.random() < 0.01:
                lines.append(f"      - {scalar(follow)}")
            else:
                lines.append(f"      - text: {scalar(follow)}")
                lines.append(f"        key_points: {flow_list(rng.sample(words['key_points'], 2))}")
        difficulty = rng.choice([1, 2, 2, 2, 3])
        lines.append(f"    difficulty: {difficulty}")
        lines.append(f"    time_limit: {time_limit(rng, difficulty)}")
        lines.append(f"    tags: {flow_list(rng.sample(words['tags'], rng.randint(1, 3)))}")
        lines.append("")
    return "\n".join(lines)


def generate(
    folder: Path,
    questions: int = DEFAULT_QUESTIONS,
    files: int = DEFAULT_FILES,
    seed: int = DEFAULT_SEED,
    small_vocabulary: bool = False,
) -> list[Path]:
    """Write `questions` questions spread over `files` bank files under `folder`; returns the files."""
    if files < 1 or questions < 0:
        raise ValueError("need at least one file and a non-negative number of questions")
    rng = random.Random(seed)
    written = []
    base, extra = divmod(questions, files)
    for number in range(files):
        path_name, language = PATHS[number % len(PATHS)]
        words = VOCAB[language]
        topic = words["topics"][(number // len(PATHS)) % len(words["topics"])]
        title = rng.choice(words["titles"]).format(topic=topic)
        title = title[0].upper() + title[1:]
        project_id = f"p{number + 1:04d}-{slug(topic)}"
        context = project_context(rng, language, topic)
        count = base + (1 if number < extra else 0)
        target = folder / slug(path_name) / f"{project_id}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            bank_text(
                rng, path_name, language, project_id, title, count, context, small_vocabulary
            ),
            encoding="utf-8",
        )
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="folder to write the banks into (created if needed)")
    parser.add_argument(
        "--questions",
        type=int,
        default=DEFAULT_QUESTIONS,
        help="total questions (default %(default)s)",
    )
    parser.add_argument(
        "--files",
        type=int,
        default=DEFAULT_FILES,
        help="number of bank files (default %(default)s)",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)"
    )
    parser.add_argument(
        "--small-vocabulary",
        action="store_true",
        help="hostile banks: every text from one vocabulary of 40 words",
    )
    args = parser.parse_args(argv)
    written = generate(args.out, args.questions, args.files, args.seed, args.small_vocabulary)
    size = sum(p.stat().st_size for p in written)
    print(
        f"{args.questions} questions in {len(written)} files, {size / 1_048_576:.1f} MB, under {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
