# ruff: noqa: E501  (tables of templates and value makers read better one per line)
"""Generated corpus for the personal-data scrubber (textsafety.scrub): must-catch and must-keep cases.

Each case: {"family", "expect": "catch" | "keep", "text", "secret"}. A "catch" case is caught when
none of its secret survives (see ``leaks``); a "keep" case when the text comes out unchanged.

The values are drawn at random (fixed seed) and written in every usual format, so the rules are measured
on variety, not on a few examples; a second seed gives variants the rules were never looked at with.

    python tests/data/scrub/generate.py            # rewrites tests/data/scrub/generated.jsonl (seed 16)
"""

from __future__ import annotations

import json
import random
import re
import string
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 16

FIRST = ["jean", "marie", "lea", "karim", "sophie", "thomas", "nadia", "pierre", "ines", "hugo", "chloe"]
LAST = ["dupont", "martin", "bernard", "nguyen", "diallo", "lefebvre", "moreau", "garcia", "rousseau"]
DOMAINS = ["gmail.com", "orange.fr", "laposte.net", "free.fr", "univ-lyon1.fr", "exemple.co.uk",
           "mairie-rennes.fr", "hotmail.fr", "proton.me", "chu-nantes.fr"]  # fmt: skip

CONTEXT_FR = [
    "Vous pouvez me joindre : {x}.",
    "Contactez-moi au {x} si besoin",
    "{x}",
    "mes coordonnées {x} merci",
    "Pour en parler, {x} (le soir).",
    "Je laisse ceci : {x}, à bientôt.",
    "Mon info: {x}\nCordialement",
]
CONTEXT_EN = ["Reach me at {x} anytime.", "details: {x}", "({x})"]

STREET_NAMES_UPPER = ["de la Paix", "Victor Hugo", "Jean Jaurès", "du Maréchal Foch", "des Lilas",
                      "de la République", "Saint-Exupéry", "du 8 Mai 1945", "Pasteur", "des Tilleuls",
                      "de l'Église", "Gambetta", "du Moulin", "Émile Zola"]  # fmt: skip
STREET_NAMES_LOWER = ["de la paix", "victor hugo", "des lilas", "pasteur", "du moulin", "gambetta",
                      "des vignes", "de la gare"]  # fmt: skip
CLEAR_TYPES = ["rue", "r.", "avenue", "av.", "av", "boulevard", "bd", "bd.", "allée", "all.", "impasse",
               "imp.", "chemin", "ch.", "faubourg", "fbg", "Rue", "Avenue", "BD", "Chemin"]  # fmt: skip
OTHER_TYPES = ["place", "pl.", "route", "quai", "square", "cours", "passage", "Place", "résidence"]
TOWNS = [("75002", "Paris"), ("69003", "Lyon"), ("13001", "Marseille"), ("33000", "Bordeaux"),
         ("44000", "Nantes"), ("31000", "Toulouse"), ("67000", "Strasbourg"), ("59800", "Lille"),
         ("35000", "Rennes"), ("06000", "Nice"), ("20000", "Ajaccio"), ("97400", "Saint-Denis"),
         ("92200", "Neuilly-sur-Seine")]  # fmt: skip


def _digits(rng, n):
    return "".join(rng.choice(string.digits) for _ in range(n))


def _group(compact, sizes, sep):
    out, i = [], 0
    for size in sizes:
        out.append(compact[i : i + size])
        i += size
    if i < len(compact):
        out.append(compact[i:])
    return sep.join(p for p in out if p)


SEPARATORS = [" ", ".", "-", "/", "", " - ", " / ", ". ", "  ", "\u00a0", "_", "–"]


def phone(rng):
    national = "0" + rng.choice("1234567989") + _digits(rng, 8)
    sep = rng.choice(SEPARATORS)
    sizes = rng.choice(
        [[2, 2, 2, 2, 2], [2, 2, 2, 2, 2], [10], [4, 3, 3], [3, 3, 2, 2], [2, 4, 4], [4, 2, 2, 2]]
    )
    style = rng.random()
    if style < 0.55:
        text = _group(national, sizes, sep)
    else:
        rest = national[1:]
        body = _group(rest, rng.choice([[1, 2, 2, 2, 2], [9], [3, 3, 3], [1, 4, 4]]), sep)
        prefix = rng.choice(["+33", "0033", "+ 33", "+33 (0)", "+33(0)", "0033 (0)", "(+33)", "+33 0", "33 "])
        joiner = "" if prefix.endswith(")") and rng.random() < 0.5 else rng.choice([" ", sep or "", "-"])
        text = prefix + joiner + body
    return text


def nir_value(rng):
    sex = rng.choice("12")
    year = _digits(rng, 2)
    month = f"{rng.randint(1, 12):02d}"
    dept = rng.choice([f"{rng.randint(1, 95):02d}", "2A", "2B", f"{rng.randint(1, 95):02d}"])
    commune, order = f"{rng.randint(1, 999):03d}", f"{rng.randint(1, 999):03d}"
    base = sex + year + month + dept + commune + order
    numeric = int(base.replace("2A", "19").replace("2B", "18"))
    key = f"{97 - numeric % 97:02d}"
    return base, key


def nir(rng):
    base, key = nir_value(rng)
    parts = [base[0], base[1:3], base[3:5], base[5:7], base[7:10], base[10:13]]
    if rng.random() < 0.8:
        parts.append(key)
    style = rng.random()
    if style < 0.25:
        return "".join(parts)
    sep = rng.choice([" ", "-", ".", " ", "/", "  "])
    return sep.join(parts)


def _iban_check(country, bban):
    rearranged = bban + country + "00"
    number = int("".join(str(int(ch, 36)) for ch in rearranged))
    return f"{98 - number % 97:02d}"


def _rib_key(bank, branch, account):
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"


def iban(rng):
    country = rng.choice(["FR", "FR", "FR", "DE", "BE", "ES", "IT", "GB", "CH", "LU"])
    if country == "FR":
        bank, branch, account = _digits(rng, 5), _digits(rng, 5), _digits(rng, 11)
        bban = bank + branch + account + _rib_key(bank, branch, account)
    elif country == "DE":
        bban = _digits(rng, 18)
    elif country == "BE":
        bban = _digits(rng, 12)
    elif country == "ES":
        bban = _digits(rng, 20)
    elif country == "IT":
        bban = rng.choice(string.ascii_uppercase) + _digits(rng, 22)
    elif country == "GB":
        bban = "".join(rng.choice(string.ascii_uppercase) for _ in range(4)) + _digits(rng, 14)
    elif country == "CH":
        bban = _digits(rng, 17)
    else:
        bban = _digits(rng, 16)
    compact = country + _iban_check(country, bban) + bban
    if rng.random() < 0.2:  # mistyped: the check fails, the shape stays (still someone's account)
        compact = compact[:-1] + str((int(compact[-1]) + 1) % 10)
    style = rng.random()
    text = compact if style < 0.25 else _group(compact, [4] * 9, rng.choice([" ", "-", " ", ".", " - "]))
    if rng.random() < 0.15 and not re.search("[A-Z]", compact[2:]):
        text = text.lower()
    return text


def email(rng):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    local = rng.choice([f"{first}.{last}", f"{first}_{last}", f"{first[0]}{last}{rng.randint(1, 99)}",
                        f"{first}-{last}", f"{first}.{last}+pacte", f"{last}"])  # fmt: skip
    domain = rng.choice(DOMAINS)
    at = rng.choice([
        "@", " @ ", "@ ", " @", "(at)", " (at) ", "[at]", " [at] ", "{at}", "<at>", " arobase ", " AT ",
        " (arobase) ", "＠", " [@] ",
    ])  # fmt: skip
    spell = rng.random()
    if spell < 0.3:
        dot = rng.choice([" dot ", " point ", "(dot)", " [dot] ", "[.]", " (point) ", " DOT "])
        local, domain = local.replace(".", dot), domain.replace(".", dot)
        if at == "@" and rng.random() < 0.5:
            at = " at "
    elif spell < 0.4:
        at = " at "  # bare "at": the local part's dot or the provider says it is an address
        local = f"{first}.{last}"
    elif spell < 0.5:
        domain = domain.replace(".", " . ")
    return f"{local}{at}{domain}"


def address(rng):
    number = str(rng.randint(1, 250))
    if rng.random() < 0.3:
        number += rng.choice([" bis", "bis", " ter", "B", " b", " quater"])
    comma = rng.choice(["", ",", ""])
    if rng.random() < 0.7:
        kind = rng.choice(CLEAR_TYPES)
        name = rng.choice(STREET_NAMES_UPPER + STREET_NAMES_LOWER)
    else:
        kind = rng.choice(OTHER_TYPES)
        name = rng.choice(STREET_NAMES_UPPER)
    text = f"{number}{comma} {kind} {name}"
    if rng.random() < 0.5:
        code, town = rng.choice(TOWNS)
        text += rng.choice([" ", ", "]) + f"{code} {town}"
    return text


def postal_town(rng):
    code, town = rng.choice(TOWNS)
    return code + " " + town


def _catch(rng, family, maker):
    value = maker(rng)
    template = rng.choice(CONTEXT_FR + (CONTEXT_EN if family != "postal_town" else []))
    if family == "postal_town":
        template = rng.choice(["J'habite à {x} depuis peu.", "domiciliée à {x}", "Je vis à {x}, et",
                               "Nous habitons au {x}.", "Quartier calme, {x}."])  # fmt: skip
    return {"family": family, "expect": "catch", "text": template.format(x=value), "secret": value}


KEEP_TEMPLATES = {
    "year": [
        "En {y}, le débat a commencé.",
        "entre {y} et {y2}",
        "de {y} à {y2}",
        "les années {y}",
        "Depuis {y}, rien n'a changé",
        "{y}-{y2}",
        "période {y}/{y2}",
        "({y})",
    ],
    "percent": [
        "{p} % des répondants",
        "{p}% seulement",
        "soit {p} %",
        "+{p} %",
        "-{p} % en un an",
        "{p} à {p2} %",
    ],
    "amount": [
        "{a} €",
        "{a} euros",
        "{a} € par an",
        "un budget de {a} €",
        "+{a} €",
        "-{a} €",
        "{a} € pour {b} patients",
        "coût : {a} € TTC",
    ],
    "law": [
        "article L. {l1}-{l2} du code de la santé publique",
        "article L{l1}-{l2}",
        "article R. {l1}-{l2}",
        "article {s} du RGPD",
        "loi n° {ly}-{ln} du {d} janvier {y}",
        "décret n° {y}-{big} du {d} mai {y}",
        "règlement (UE) 2016/679",
        "article {ln}-{s} du code pénal",
        "article 6.1.e du RGPD",
        "articles L. {l1}-{l2} et R. {l1}-{l3}",
        "article D. {l1}-{l2}-{s}",
    ],
    "date": [
        "le {dd}/{mm}/{y}",
        "le {dd}.{mm}.{y}",
        "{y}-{mm}-{dd}",
        "{dd}-{mm}-{y}",
        "du {dd}/{mm}/{y} au {dd2}/{mm2}/{y2}",
        "du {dd}/{mm}/{y} - {dd2}/{mm2}/{y2}",
        "le {d} janvier {y}",
        "{dd}/{mm}/{y} {dd2}/{mm2}/{y2}",
        "à {h}h{mi}",
        "{h}:{mi}",
    ],
    "other_number": [
        "{c} Français sur 10",
        "{big} habitants",
        "{a} personnes",
        "ISO {iso}",
        "version {v}",
        "SIRET {siret}",
        "ISBN 978-2-07-{isbn}",
        "Top {s}",
        "1 place de parking",
        "3 places",
        "5 chemins possibles",
        "2 cours de biologie",
        "la rue de la soif",
        "24/7",
        "{c} rue",
        "{c} avenues de recherche",
        "page {s}-{c}",
    ],
}


def _keep(rng, family):
    template = rng.choice(KEEP_TEMPLATES[family])
    y = rng.randint(1945, 2030)
    values = {
        "y": y, "y2": y + rng.randint(1, 10), "p": rng.choice([str(rng.randint(1, 99)), f"{rng.randint(0, 99)},{rng.randint(1, 9)}"]),
        "p2": rng.randint(1, 99),
        "a": rng.choice([f"{rng.randint(1, 999)} {rng.randint(0, 999):03d}", f"{rng.randint(1, 99)} {rng.randint(0, 999):03d} {rng.randint(0, 999):03d}",
                         f"{rng.randint(1, 9)} {rng.randint(0, 999):03d} {rng.randint(0, 999):03d} {rng.randint(0, 999):03d}",
                         str(rng.randint(1, 99999)), f"{rng.randint(1, 9)},{rng.randint(1, 9)} milliards d'",
                         f"{rng.randint(1, 999)}.{rng.randint(0, 999):03d}.{rng.randint(0, 999):03d}"]),
        "b": rng.randint(2, 500), "l1": rng.randint(1000, 6999), "l2": rng.randint(1, 30), "l3": rng.randint(1, 30),
        "s": rng.randint(1, 99), "ly": rng.randint(70, 99), "ln": rng.randint(1, 999), "d": rng.randint(1, 28),
        "big": rng.choice([f"{rng.randint(1, 99)} {rng.randint(0, 999):03d} {rng.randint(0, 999):03d}", str(rng.randint(1000, 9999))]),
        "dd": f"{rng.randint(1, 28):02d}", "mm": f"{rng.randint(1, 12):02d}", "dd2": f"{rng.randint(1, 28):02d}",
        "mm2": f"{rng.randint(1, 12):02d}", "h": rng.randint(0, 23), "mi": f"{rng.randint(0, 59):02d}",
        "c": rng.randint(1, 9), "iso": rng.choice(["27001", "9001", "27701", "13616"]), "v": f"{rng.randint(1, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}",
        "siret": f"{_digits(rng, 3)} {_digits(rng, 3)} {_digits(rng, 3)} {_digits(rng, 5)}", "isbn": f"{_digits(rng, 6)}-{rng.randint(0, 9)}",
    }  # fmt: skip
    text = template.format(**values)
    sentence = rng.choice(["{x}", "Selon l'étude, {x}.", "{x} : c'est trop.", "Rappel — {x}, et ensuite"])
    return {"family": family, "expect": "keep", "text": sentence.format(x=text), "secret": ""}


CATCH = {"phone": phone, "nir": nir, "iban": iban, "email": email, "address": address,
         "postal_town": postal_town}  # fmt: skip


def generate(seed: int = SEED, per_family: int = 60) -> list[dict]:
    rng = random.Random(seed)
    cases = []
    for family, maker in CATCH.items():
        cases += [_catch(rng, family, maker) for _ in range(per_family)]
    for family in KEEP_TEMPLATES:
        cases += [_keep(rng, family) for _ in range(per_family)]
    return cases


_SECRET_TOKEN = re.compile(r"[^\W\d_]{3,}|\d+", re.UNICODE)
# Words of a secret that may stay: they carry nothing personal on their own.
_HARMLESS = {
    "at", "dot", "point", "arobase", "rue", "avenue", "boulevard", "allée", "impasse", "chemin", "place",
    "route", "quai", "square", "cours", "passage", "faubourg", "fbg", "bis", "ter", "quater", "résidence",
    "all", "imp", "com", "net", "des", "del", "les", "pacte", "saint", "sur", "mailto",
}  # fmt: skip


def leaks(secret: str, output: str) -> list[str]:
    """What of ``secret`` is still in ``output``: any six consecutive digits of it (in the output's digits,
    separators ignored) and any of its words of three letters or more that are not harmless alone."""
    left = []
    secret_digits, output_digits = re.sub(r"\D", "", secret), re.sub(r"\D", "", output)
    for i in range(max(0, len(secret_digits) - 5)):
        if secret_digits[i : i + 6] in output_digits:
            left.append(secret_digits[i : i + 6])
            break
    words = {w.lower() for w in re.findall(r"[^\W\d_]{3,}", output)}
    for token in re.findall(r"[^\W\d_]{3,}", secret):
        if token.lower() not in _HARMLESS and token.lower() in words and len(token) > 3:
            left.append(token)
    return left


def main(argv: list[str]) -> None:
    target = HERE / "generated.jsonl"
    with target.open("w", encoding="utf-8") as out:
        for case in generate():
            out.write(json.dumps(case, ensure_ascii=False) + "\n")
    print(f"{target}: {len(generate())} cases")


if __name__ == "__main__":
    main(sys.argv[1:])
