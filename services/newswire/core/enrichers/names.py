"""People and organisations the gazetteer does not list, from context and form; no model.

- People: a capitalised name (Latin, Cyrillic, Greek) that begins with a known given name
  ("Kate Henshaw", "Андрея Жирнова") or follows a title or role ("President", "Gov.",
  "M.", "Mme", "Bakan", "coach", "министр"); in Arabic script, a given name or a name after
  a role ("الرئيس", "وزير الخارجية"), with the name's usual parts (عبد، أبو، بن، ال...).
  The surname alone after the full name is the same person.
- Organisations: a name with its acronym ("Tribunal Supremo Electoral (TSE)"), a name built
  on an organisation word ("Ministry of", "Department", "Bakanlığı", "Sendikası",
  "Gewerkschaftsbund", "академия", "وزارة", "حزب"), or a name after a word that says what
  it is ("le syndicat SUD-Rail", "research firm Oanda", "партии «Новые люди»").

Precision first: a capitalised word alone is never taken for a name, and a given name that
is a common word of the article's language ("Mark", "Grace") counts only inside a
sentence. The given names (names-dataset) and each language's common words (wordfreq) are
in data/names.json, built by scripts/build-gazetteer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import compress

from newswire.core.enrichers.dates.lexicon.european import EU_LEXICON
from newswire.core.enrichers.dates.lexicon.months import LATIN_MONTHS
from newswire.core.enrichers.gazetteer import PLACE_KINDS, Gazetteer, Mention, cyrillic_stem
from newswire.core.enrichers.keywords import STOPWORD_LANGUAGES, stopwords
from newswire.core.enrichers.tokens import WORD_CACHE_SIZE, Tokens, fold_token, tokenize

_CYRILLIC_VOWELS = "аеёиоуыэюяйь"


@lru_cache(maxsize=WORD_CACHE_SIZE)
def name_key(word: str) -> str:
    """How a name word is compared: folded, a Cyrillic word by its stem without a final
    vowel (Андрея and Андрей, Жирнова and Жирнов read alike)."""
    folded = fold_token(word).replace("’", "'")
    stem = cyrillic_stem(folded)
    return stem.rstrip(_CYRILLIC_VOWELS) if stem else folded


@dataclass(slots=True)  # not frozen: a frozen dataclass is built 4x slower, and an article makes dozens
class Name:
    """One mention of a person or organisation found by form or context."""

    kind: str  # "person" | "organization" | "name" (a longer name of something else: see merge)
    name: str  # as written, cleaned of possessives and suffixes
    method: str  # "given-name", "title", "arabic-name", "acronym", "org-word", "apposition", "surname"


@dataclass(frozen=True)
class _Lexicon:
    given: frozenset[str]
    common: dict[str, frozenset[str]]
    arabic_starts: frozenset[str]  # the words an Arabic-script name can begin with
    arabic_prefixed: frozenset[str]  # those and their forms with a letter prefix (وزارة، بوزارة)


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    doc = json.loads(resources.files("newswire.core").joinpath("data/names.json").read_text(encoding="utf-8"))
    given = frozenset(doc["given"])
    arabic = frozenset(g for g in given if "\u0600" <= g[:1] <= "\u06ff") | _AR_ORG_HEADS
    prefixed = arabic | frozenset(p + w for p in _AR_PREFIXES for w in arabic)
    return _Lexicon(given, {lang: frozenset(words) for lang, words in doc["common"].items()}, arabic, prefixed)


def _words(text: str) -> frozenset[str]:
    return frozenset(fold_token(w) for w in text.split())


# Titles and roles before a person's name, folded. Capitalised ones may sit inside the
# capitalised run ("Interior Minister Wolfgang Peschorn"), lower-case ones just before it.
_TITLES = _words("""
    president vice prime minister secretary senator sen rep representative gov governor mayor judge justice
    attorney general gen col lt sgt capt adm dr mr mrs ms miss sir dame lord lady king queen prince princess pope
    chancellor ambassador commissioner chief coach professor prof rev sheikh ceo cfo chairman chairwoman chair
    spokesman spokeswoman spokesperson analyst strategist director manager founder actress actor singer rapper
    quarterback keeper striker midfielder defender scientist researcher officer lawyer employee deputy speaker
    congressman congresswoman lawmaker leader candidate economist journalist correspondent reporter editor
    author writer producer captain teammate owner executive head premier inspector interim acting former
    president-elect ombudsman magistrate detective sergeant
    m mme mlle président présidente ministre député députée sénateur sénatrice maire adjoint adjointe
    secrétaire porte-parole candidat candidate général docteur juge premier
    presidente presidenta ministra ministro vicepresidenta vicepresidente senador senadora diputado diputada
    alcalde alcaldesa expresidente secretario secretaria consejera consejero delegada delegado don doña sr sra
    líder portavoz candidato
    herr frau minister ministerin bundeskanzler kanzler kanzlerin präsident präsidentin ministerpräsident
    bürgermeister bürgermeisterin sprecher sprecherin vorsitzende vorsitzender stadträtin stadtrat chef chefin
    bakan bakanı başkanı başkan cumhurbaşkanı başbakan vali valisi milletvekili sözcüsü temsilcisi müdürü
    министр президент премьер премьер-министр губернатор мэр председатель депутат политолог глава заместитель
    сенатор генерал посол коллега кандидат спикер директор
""")
# German and Turkish titles inside compounds ("Bundesverkehrsminister", "ÖGB-Präsident").
_TITLE_SUFFIXES = ("minister", "ministerin", "präsident", "präsidentin", "chef", "chefin", "sprecher", "sprecherin",
                   "vorsitzende", "vorsitzender", "vize", "bakanı", "başkanı", "temsilcisi")
# Name particles allowed inside a person's name.
_PARTICLES = _words("von van der den de da del della di do dos das du la le bin ibn bint al el y")
# Lower-case words that join the words of an organisation's name.
_JOINERS = _words("of and for on the de del della di do dos das du des la le les el y et e und für der ve и &")

# Organisation words. A name that contains one (as a word, or German/Turkish as the end of
# a compound) is an organisation: English and Turkish put it last, Romance languages first.
_ORG_WORDS = _words("""
    ministry department agency party union commission council committee institute university association
    federation foundation police authority office bank corporation company inc corp ltd llc plc group airlines
    airways navy army forces guard senate assembly congress parliament court tribunal academy observatory
    laboratory exchange network organization organisation service services administration bureau board
    society league club press times post journal reporter productions management studios entertainment records
    church brotherhood movement front alliance coalition syndicate trust fund shelter chronicle herald tribune gazette
    ministère ministere parti syndicat institut agence conseil assemblée assemblee banque fédération université
    confédération société
    ministerio partido unión union sindicato banco instituto consejo comisión agencia universidad federación
    asociación confederación fundación generalitat
    ministerium gewerkschaft partei bundesamt bundesgericht nationalrat bundesrat stadtrat ständerat
    industriellenvereinigung
    bakanlığı müdürlüğü birliği sendikası partisi kurulu ajansı derneği vakfı üniversitesi belediyesi meclisi
    konfederasyonu odası
""")
_ORG_NAMES = _words("nationalrat bundesrat ständerat bundesgericht bundestag bundesamt generalitat")
_ORG_SUFFIXES = ("gewerkschaft", "gewerkschaftsbund", "verband", "vereinigung", "institut", "ministerium", "gericht",
                 "behörde", "agentur", "partei", "kommission", "akademie", "bundesamt", "bakanlığı", "müdürlüğü",
                 "birliği", "sendikası", "partisi", "kurulu", "ajansı")
_ORG_SUFFIX_RE = re.compile("(?:" + "|".join(_ORG_SUFFIXES) + ")$")
# A run ending in one of these is a market index, not an organisation.
_NOT_ORG = _words("index composite average futures")
# Words that say the capitalised name after them is an organisation.
_APPOSITION = _words("""
    company firm carrier airline retailer group union party band newspaper magazine broadcaster agency startup
    bank investor insurer maker manufacturer label
    syndicat groupe alliance coalition mouvement sindicato alianza coalición grupo patronal formación
    gewerkschaft partei
    партия партии движение движения компания компании газета газеты
""")
_ORDINARY_START = _words("""
    the a an this that these those but and or in on at as after before while when if with from by to
    laut nach gemäß seit según selon
""")
_AND = _words("and ve y et und e и &")
_ROMANCE = frozenset({"fr", "es", "it", "pt", "ca", "ro"})
# Words of places, buildings and events, never of a person's name.
_NOT_PERSON = _words("""
    center centre auditorium stadium arena hall museum park hotel hospital airport station street avenue road
    bridge cup final finals awards award festival championship tournament prize games league champions
""")
_ARTICLES = _words("the la le les el los las die der das den dem des un une ein eine")
# Joiners after which an organisation's name goes on ("Department of Health", "Office for the ...").
_TAIL_JOINERS = _words("of for on de del du des für")
# Organisation words that begin a Romance name, whose adjective may follow in lower case.
_HEAD_FIRST = _words("parti assemblée union institut conseil partido unión instituto consejo")

_UPPER = "".join(chr(c) for c in range(0x41, 0x530) if chr(c).isupper())
# (A prefix like "al-" or "l'" needs no pattern: the run starts at the capital after it.)
_WORD = rf"[{_UPPER}][^\s,;:!?()\[\]{{}}\"“”«»„/…]*+"  # (possessive: a word is taken whole)
_JOIN = r"(?:of|and|for|on|the|de|del|della|di|do|dos|das|du|des|la|le|les|el|y|et|e|und|für|der|ve|и|van|von|den|bin|ibn|&)"
# A capitalised run: capitalised words, with lower-case joiners between them.
_RUN_RE = re.compile(rf"{_WORD}(?:[ \u00a0](?:{_JOIN}[ \u00a0])*{_WORD})+")
# One capitalised word is a name only when something says so, found by these in one pass
# each: a word that says what follows ("investor SoftBank", "le syndicat SUD-Rail"), an
# organisation's compound name ("Bundesgericht", "Industriellenvereinigung").
_COMPOUNDING = frozenset({"de", "tr", "nl"})  # languages that write organisations as one compound word
_ACRONYM_RE = re.compile(rf"\(([{_UPPER}][{_UPPER}A-Za-zÀ-ÿ.\-]{{1,7}})\)")
_QUOTED_RE = re.compile(r"«([^»\s][^»]{0,40})»")
_SENTENCE_END = ".!?\n:;\"“”«»"
_ELISION_RE = re.compile(r"^[LlDd]['’]")
_ABBREVIATIONS = frozenset({"jr", "sr", "st", "mr", "mrs", "ms", "dr", "gov", "sen", "rep", "gen", "col", "lt", "sgt",
                            "capt", "prof", "rev", "u.s", "inc", "co", "corp", "ltd", "m", "mme", "sra", "hon", "rt"})


def _clean(word: str) -> str:
    """A word without a possessive or Turkish case suffix (Trump's, Yumaklı'nın, Sağlık
    Bakanlığı'ndan) or a trailing full stop (but "Jr.", "U.S." keep theirs)."""
    for mark in ("'", "’"):
        if mark in word:
            head, _, tail = word.partition(mark)
            if tail and tail.islower() and len(head) >= 2:
                word = head
    return word


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _is_title(folded: str) -> bool:
    return folded in _TITLES or (len(folded) > 8 and folded.endswith(_TITLE_SUFFIXES)) or (
        "-" in folded and any(part in _TITLES for part in folded.split("-")))


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _is_org_word(folded: str) -> bool:
    return folded in _ORG_WORDS or _compound(folded)


@lru_cache(maxsize=WORD_CACHE_SIZE)  # looked up for each long word of German and Turkish articles
def _compound(folded: str) -> bool:
    """A German or Turkish compound ending in an organisation word ("Gewerkschaftsbund",
    "Industriellenvereinigung"), or one of the few that are names by themselves."""
    match = _ORG_SUFFIX_RE.search(folded)
    return folded in _ORG_NAMES or (match is not None and match.start() > 2)


def _is_initial(word: str) -> bool:
    """"J.", "J.J.", "W." (an initial of a name; "U.S." is none)."""
    return len(word) >= 2 and word.endswith(".") and word not in _NOT_INITIALS \
        and all(len(p) == 1 and p.isupper() for p in word[:-1].split("."))


_NOT_INITIALS = frozenset({"U.S.", "U.K.", "U.N.", "E.U.", "D.C.", "N.Y.", "L.A."})


def _possessor(word: str) -> bool:
    return word.endswith(("'s", "’s"))


def words_of(raw: list[str]) -> list[str]:
    return [_clean(w) for w in raw]


def _ends_with_place(words: list[str]) -> bool:
    """Whether the words end with a place ("South Dakota's Department of ...": the
    organisation begins after it)."""
    from newswire.core.enrichers.gazetteer import default_gazetteer

    tokens = tokenize(" ".join(words))
    return any(m.end == len(tokens.folded) and m.entity.kind in PLACE_KINDS for m in default_gazetteer().find(tokens))


_RUNS: dict[tuple[object, ...], list[Name]] = {}  # see _Finder.runs


class _Finder:
    """The state of one article's scan."""

    def __init__(self, text: str, tokens: Tokens, language: str) -> None:
        self.text = text
        self.tokens = tokens
        lex = lexicon()
        self.given = lex.given
        self.common = lex.common.get(language, frozenset())
        self.stop = stopwords(language) if language in STOPWORD_LANGUAGES else frozenset()
        self.language = language
        self.found: list[Name] = []
        self.arabic_starts = lex.arabic_starts
        self.arabic_prefixed = lex.arabic_prefixed

    def add(self, kind: str, words: list[str], method: str) -> None:
        name = " ".join(words).strip(" .-")
        if len(name) >= 2:
            self.found.append(Name(kind, name, method))

    # Latin, Cyrillic and Greek: capitalised runs.
    def runs(self) -> None:
        text = self.text
        # One capitalised word is a name only when something says so: a word before it that
        # says what it is ("investor SoftBank", "le syndicat SUD-Rail"), or its form, a
        # compound organisation word ("Bundesgericht", "Industriellenvereinigung"). The
        # article's vocabulary (a set) says which to look for, so most articles skip both.
        vocabulary = self.tokens.vocabulary
        for word in vocabulary & _APPOSITION:
            for match in _apposition_re(word).finditer(text):
                name = _clean(match.group(1)).rstrip(".")
                if name_key(name) not in self.given and not _is_org_word(fold_token(name)):
                    self.add("organization", [name], "apposition")
        if self.language in _COMPOUNDING:
            compounds = {t for t in vocabulary if len(t) > 8 and _compound(t)}
            for written, folded in zip(self.tokens.surface, self.tokens.folded):
                if folded in compounds and written[:1].isupper():
                    self.add("organization", [written], "org-word")
        title_end = text.find("\n\n")  # (the text is the title, a blank line, the body)
        romance = self.language in _ROMANCE
        for match in _RUN_RE.finditer(text):
            group = match.group()
            in_title = match.start() < title_end
            before = text[max(0, match.start() - 40):match.start()]
            tail = before.rstrip()
            start_of_sentence = not tail or tail[-1] in _SENTENCE_END
            previous = tail.split()[-1] if tail and before[-1:] != "\n" else ""
            # A title just before ("Dr.", "coach"), unless that word ends a sentence.
            bare_previous = previous.strip(",").rstrip(".")
            context = bool(bare_previous) and (not previous.endswith(".") or bare_previous.casefold() in _ABBREVIATIONS) \
                and _is_title(fold_token(bare_previous))
            if start_of_sentence and previous.endswith(".") and bare_previous.casefold() in _ABBREVIATIONS:
                start_of_sentence = False  # "Dr. Khaldun": not a new sentence
            apposition = bool(previous) and not previous.endswith((",", ".")) and fold_token(previous) in _APPOSITION
            # A word ending in a full stop ends a sentence, unless it is an initial or an abbreviation.
            pieces: list[list[str]] = [[]]
            for word in group.split():
                pieces[-1].append(word)
                if word.endswith(".") and not _is_initial(word) and word[:-1].casefold() not in _ABBREVIATIONS:
                    pieces[-1][-1] = word[:-1]
                    pieces.append([])
            following = text[match.end():match.end() + 30]
            for k, piece in enumerate(p for p in pieces if p):
                after = following if k == len(pieces) - 1 or not pieces[-1] else ""
                # What a run gives depends only on its words and these few facts: runs recur
                # from article to article ("President Donald Trump", "the Associated Press"),
                # so the outcome is remembered, bounded like the word caches. The word after
                # the run matters only to a Romance organisation's name ("Parti socialiste",
                # in org()): elsewhere it stays out of the key, so a run recurs whatever follows.
                next_word = after.split(" ", 2)[1] if romance and after.startswith(" ") and " " in after[1:] else ""
                key = (tuple(piece), start_of_sentence if k == 0 else True, context and k == 0, apposition and k == 0,
                       next_word, self.language, in_title)
                known = _RUNS.get(key)
                if known is None:
                    mark = len(self.found)
                    self.run(piece, key[1], key[2], key[3], after)
                    if len(self.found) == mark and len(piece) > 1 and not in_title and self.language == "en":
                        # Neither person nor organisation: still a name, whose places are
                        # no mentions of their own ("Sioux Falls Argus Leader", "Davis Cup").
                        # Not in the title, which may be written in title case; English only
                        # so far (measured there).
                        words = list(piece)
                        first = fold_token(words[0])
                        if key[1] and (first in self.common or first.rstrip("s") in self.common
                                       or fold_token(words[1]) in _JOINERS):
                            words = words[1:]  # capitalised as a sentence's first word: "Lawyers for the US"
                        while words and ((f := fold_token(words[0])) in _ORDINARY_START or f in self.stop
                                         or f in _JOINERS):
                            words = words[1:]  # "A California transit chief"
                        if len(words) > 1:
                            self.add("name", words, "run")
                    known = _RUNS[key] = self.found[mark:]
                    if len(_RUNS) > WORD_CACHE_SIZE:
                        _RUNS.clear()
                else:
                    self.found += known

    def run(self, raw: list[str], start_of_sentence: bool, context: bool, apposition: bool, following: str) -> None:
        while raw and any(c.isdigit() for c in raw[-1]):
            raw = raw[:-1]  # tickers: "London Metal Exchange CMAL3"
        if not raw or (len(raw) > 1 and all(w.replace(".", "").isupper() for w in raw)):
            return  # a dateline or a shouted headline
        words = [_clean(w) for w in raw]
        folded = [fold_token(w.rstrip(".")) for w in words]
        # "Laut Wifo", "With Post wires": leading function words, but a capitalised stopword
        # only first in a sentence ("New" and "World" are stopwords: "The New York Times").
        first = True
        while words and not _is_title(folded[0]) and (folded[0] in _ORDINARY_START or folded[0] in _ARTICLES
                                                      or (first and start_of_sentence and folded[0] in self.stop)):
            raw, words, folded = raw[1:], words[1:], folded[1:]
            first = False
        if not words:
            return
        if apposition:
            if not any(_is_org_word(f) for f in folded) and name_key(words[0]) not in self.given:
                self.add("organization", raw[:3], "apposition")
                return
        heads = [i for i, f in enumerate(folded) if _is_org_word(f)]
        if heads and folded[-1] not in _NOT_ORG:
            span = self.org(raw, folded, heads, following)
            if span is not None:
                # People may come before and after: "Dr. Khaldun of the Michigan Department",
                # "... Birliği Genel Başkanı Şemsi Bayraktar".
                start, end = span
                self.people(words[:start], folded[:start], start_of_sentence, context)
                self.people(words[end:], folded[end:], False, False)
                return
        self.people(words, folded, start_of_sentence, context)

    def people(self, words: list[str], folded: list[str], start_of_sentence: bool, context: bool) -> None:
        """Split at joiners that no name has ("and", "of") and at titles, then look for a
        person in each part."""
        while words and folded[-1] in _JOINERS:
            words, folded = words[:-1], folded[:-1]
        part: list[int] = []
        titled = context
        for i, f in enumerate([*folded, "and"]):
            title = i < len(folded) - 1 and _is_title(f) and words[i][:1].isupper() and folded[i + 1] not in _JOINERS
            if i == len(folded) or (f in _JOINERS and f not in _PARTICLES) or title:
                if part:
                    self.person([words[j] for j in part], [folded[j] for j in part], titled,
                                start_of_sentence and part[0] == 0)
                part = []
                titled = title
                continue
            part.append(i)

    def person(self, words: list[str], folded: list[str], titled: bool, start_of_sentence: bool) -> bool:
        if not words:
            return False
        if any(f in _NOT_PERSON for f in folded):
            return False  # "Blossom Music Center", "Davis Cup"
        first = next((i for i, w in enumerate(words) if name_key(w) in self.given or _is_initial(w)), None)
        if first is None:
            if not titled:
                return False
            first = 0
            # After a title: a name, not an ordinary word ("Monday") or an adjective
            # ("Губернатор Свердловской области").
            if len(words) == 1 and (folded[0] in self.common or folded[0] in _ORDINARY_START
                                    or folded[0].endswith(_RU_ADJECTIVE_ENDINGS)):
                return False
        name, keys = words[first:], folded[first:]
        parts = [w for w, f in zip(name, keys) if f not in _PARTICLES]
        if not parts or len(parts) > 4 or keys[-1] in _PARTICLES:
            return False
        if len(parts) < 2 and not titled:
            return False
        if not titled and keys[0] in self.common and any(k in self.common for k in keys[1:]):
            return False  # a given name that is a common word, among common words
        self.add("person", name, "title" if titled else "given-name")
        return True

    def org(self, raw: list[str], folded: list[str], heads: list[int], following: str) -> tuple[int, int] | None:
        """The organisation around its organisation words: leftwards from the first one
        while no joiner or title intervenes (English, Turkish and German names end with
        it), rightwards through "of X and Y" (and Romance names begin with it); returns
        its (start, end) in the run."""
        h = heads[0]
        start = h
        while start > 0:
            before = folded[start - 1]
            if before in _AND and start > 1 and folded[start - 2] not in _JOINERS | _TITLES:
                start -= 2  # "Securities and Exchange Commission", "Adalet ve Kalkınma Partisi"
                continue
            if before in _JOINERS or (_is_title(before) and not _possessor(raw[start - 1]) and not _is_initial(raw[start - 1])) \
                    or (_possessor(raw[start - 1]) and _ends_with_place(words_of(raw[:start]))):
                break
            start -= 1
        end = heads[-1] + 1
        # Capitalised words after the organisation word ("Box Office Mojo", "Generalitat
        # Valenciana", "Touring Club Schweiz"), up to a title or a person's name; then
        # "of X and Y" ("Department of Health and Human Services").
        while end < len(raw) and folded[end] not in _JOINERS and not _is_title(folded[end]) \
                and not (end + 1 < len(raw) and _is_title(folded[end + 1])) \
                and not (name_key(raw[end]) in self.given and end + 1 < len(raw)):
            end += 1
        if end < len(raw) and folded[end] in _TAIL_JOINERS:
            end = len(raw)
        while start < end and (folded[start] in _JOINERS or folded[start] in _ORDINARY_START or _is_title(folded[start])
                               or (folded[start] in _ARTICLES and not _ends_with_place(raw[start:start + 2]))):
            start += 1
        while end > start and folded[end - 1] in _JOINERS:
            end -= 1
        if start < end - 1 and folded[start] in _APPOSITION:
            start += 1  # "Die Gewerkschaft Verdi": the union is Verdi
        if start >= end or any(f in _NOT_PERSON for f in folded[start:end]):
            return None  # (an award, a cup, a stadium)
        words = [_ELISION_RE.sub("", raw[start]), *raw[start + 1:end]]
        if end == len(raw) and words:
            words[-1] = _clean(words[-1])
            if folded[end - 1] in _HEAD_FIRST and following[:1] == " " and self.language in _ROMANCE:
                adjective = following.split()[0].strip(",.;:") if following.split() else ""
                if adjective.islower() and len(adjective) > 3 and fold_token(adjective) not in _JOINERS:
                    words.append(adjective)  # "Parti socialiste", "Assemblée nationale"
        if not words or (len(words) == 1 and not _compound(fold_token(words[0]))):
            return None  # "Party" alone; but "Bundesgericht"
        self.add("organization", words, "org-word")
        return start, end

    def acronyms(self) -> None:
        """"Tribunal Supremo Electoral (TSE)": the words before the parenthesis whose
        initials spell the acronym (or the other way round), within the clause."""
        text = self.text
        for match in _ACRONYM_RE.finditer(text):
            acronym = match.group(1).replace(".", "")
            clause = re.split(r"[,.;:!?\n«»\"“”()]", text[max(0, match.start() - 160):match.start()])[-1]
            words = [_clean(w) for w in clause.split()]
            if words:
                words[0] = _ELISION_RE.sub("", words[0])
            best = None
            for begin in range(len(words)):
                candidate = words[begin:]
                if not candidate[0][:1].isupper() or fold_token(candidate[0]) in _ORDINARY_START | _ARTICLES:
                    continue
                initials = "".join(_ELISION_RE.sub("", w)[:1] for w in candidate if fold_token(w) not in _JOINERS)
                if len(initials) < 2 and not (len(candidate) == 1 and _subsequence(acronym.casefold(), candidate[0].casefold())
                                              and len(candidate[0]) >= 2 * len(acronym)):
                    continue
                a, i = acronym.casefold(), initials.casefold()
                if a[:1] == i[:1] and (_subsequence(a, i) or _subsequence(i, a)):
                    best = candidate
                    break  # the longest: the earliest start
            if best and fold_token(best[-1]) not in _NOT_ORG:
                self.add("organization", best, "acronym")
                self.found.append(Name("organization", acronym, "acronym-alias:" + " ".join(best)))

    def quoted(self) -> None:
        """Russian names in «»: a party, a company, a newspaper («Новые люди», «Коммерсанту»)."""
        for match in _QUOTED_RE.finditer(self.text):
            inner = match.group(1).strip()
            words = inner.split()
            if inner[:1].isupper() and len(words) <= 3 and "\u0400" <= inner[:1] <= "\u04ff" \
                    and not any(fold_token(w) in self.common and i for i, w in enumerate(words)):
                self.add("organization", words, "apposition")


@lru_cache(maxsize=256)
def _apposition_re(word: str) -> re.Pattern[str]:
    """The word (any case) and the one capitalised word after it, alone."""
    return re.compile(rf"(?<![^\W_])(?i:{re.escape(word)})[ \u00a0]+({_WORD})(?![ \u00a0][{_UPPER}])")


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


# Russian organisation words, lower case after a capitalised adjective
# ("Российская академия образования", "Избирательная комиссия Новосибирской области").
_RU_ADJECTIVE = r"(?:ая|яя|ый|ий|ой|ое|ее|ые|ие|ого|его|ей|ых|их|ую|юю)"
_RU_ORG_RE = re.compile(
    rf"(?<![\w-])([А-ЯЁ][а-яё-]+{_RU_ADJECTIVE}(?:\s+[а-яё-]+{_RU_ADJECTIVE}){{0,2}}?\s+"
    r"(?:академи|комисси|корпораци|парти|профсоюз|союз|министерств|агентств|служб|фонд|комитет|совет|банк|университет|институт)[а-яё]*"
    r"(?:\s+[А-ЯЁ]?[а-яё-]{2,}(?:ия|ии|ого|ой|ых|ов|ства|ания|ения|ации|сти|ей|а|я|ы|и)){0,3})")
_RU_VERB_END = ("ла", "ло", "ли", "ал", "ил", "ет", "ит", "ют", "ят", "ут")
_RU_ADJECTIVE_ENDINGS = ("ская", "ской", "ского", "ский", "ного", "ной", "ная", "ный", "ого", "ему")


def _russian_orgs(finder: _Finder) -> None:
    for match in _RU_ORG_RE.finditer(finder.text):
        words = match.group(1).split()
        given = next((i for i, w in enumerate(words) if i > 1 and name_key(w) in finder.given), None)
        words = words[:given] if given else words
        while len(words) > 2 and (words[-1].endswith(_RU_VERB_END) or name_key(words[-1]) in finder.given):
            words = words[:-1]
        finder.add("organization", words, "org-word")


# Arabic script: roles before a name, the words that make up a name, organisation words.
_AR_ROLES = _words("""
    الرئيس رئيس وزير الوزير وزيرة المرشح مرشح الامين الدكتور د النائب السفير المتحدث الناطق نظيره نظيرته مدير
    الشيخ العميد اللواء الفريق المستشار زعيم قائد الامير الملك السيد السيدة الرئيسة المحافظ محافظ والي الوالي
    رئيسة نائب عضو القيادي الاستاذ المدير المبعوث الممثل الجنرال العقيد المقدم
    آقای خانم رئیس وزیر سخنگوی
""")
_AR_NAME_PARTS = _words("عبد ابو بن ابن بنت ال")
# (Not the definite الوزارة، المجلس، الشركة: "the ministry" said before is no name.)
_AR_ORG_HEADS = _words("""
    وزارة الاتحاد حزب الهيئة هيئة جامعة شركة وكالة مجلس منظمة جمعية نقابة بنك مؤسسة المفوضية لجنة معهد
    جبهة اتحاد
    وزارت سازمان شرکت دانشگاه
""")
_AR_PREFIXES = ("و", "ب", "ل", "ف", "ك")
_AR_BARE_NAMES = _words("حزب")
_AR_ORDINARY = _words("""
    امس اليوم غدا في من على الى عن مع ان او ثم قد كان التي الذي الذين هذا هذه ذلك تلك بعد قبل خلال عند منذ
    حتى بين ضد دون عبر وفق حول لدى اثر امام وراء فيما كما بينما يوم الاثنين الثلاثاء الاربعاء الخميس الجمعة
    السبت الاحد المقبل الماضي الجاري اكد قال اعلن اضاف اوضح اشار دعا بحث
""")


def _arabic(finder: _Finder, tokens: Tokens) -> None:
    folded, surface = tokens.folded, tokens.surface
    given, common = finder.given, finder.common
    n = len(folded)
    # Only the words that can begin a name (a given name, an organisation word, either with
    # a letter prefix) are looked at closely; found in one pass of set lookups, in C.
    candidates = list(compress(range(n), map(finder.arabic_prefixed.__contains__, folded)))
    done = 0
    for i in candidates:
        if i < done:
            continue
        token = folded[i]
        bare, written = token, surface[i]
        if token not in given and token not in _AR_ORG_HEADS and token[:1] in _AR_PREFIXES and len(token) > 3:
            bare, written = token[1:], surface[i][1:]
        if bare in _AR_ORG_HEADS and i + 1 < n:
            end = _arabic_org_end(folded, i, bare)
            # A name has a definite word (وزارة النقل), but for a party's (حزب مستقبل وطن).
            if end > i + 1 and (bare in _AR_BARE_NAMES or any(w.startswith(("ال", "لل", "وال")) for w in folded[i + 1:end])):
                finder.add("organization", [written, *surface[i + 1:end]], "org-word")
                done = end
                continue
        # A given name (never a definite word), then the rest of the name: another given
        # name, a family name with ال (not a common word), عبد/أبو/بن and the next word, or
        # after a role any word that is not a common one.
        if bare in given and not bare.startswith("ال") and bare not in _AR_ORDINARY:
            titled = any(t in _AR_ROLES for t in folded[max(0, i - 4):i])
            nxt = folded[i + 1] if i + 1 < n else ""
            if bare in common and not titled and not (nxt in given or nxt in _AR_NAME_PARTS):
                continue  # a name that is also a word (مدينة "city", حياة "life"), without a role
            end = i + 1
            while end < n and end - i < 4:
                nxt = folded[end]
                if nxt in _AR_ORDINARY or nxt in _AR_ROLES or nxt in _AR_ORG_HEADS:
                    break
                if nxt in _AR_NAME_PARTS and end + 1 < n:
                    end += 2
                    continue
                if (nxt in given and not nxt.startswith("ال")) or (nxt.startswith("ال") and nxt not in common) or (
                        end == i + 1 and titled and nxt not in common and not nxt.startswith("ل")):
                    end += 1
                    continue
                break
            if end - i >= 2:
                finder.add("person", [written, *surface[i + 1:end]], "arabic-name")
                done = end


def _arabic_org_end(folded: list[str], i: int, head: str) -> int:
    """Where an Arabic organisation's name that begins with `head` at i ends: definite
    words after it (الوطنية، للانتخابات، والمياه), and for an indefinite head up to two
    bare words first (حزب مستقبل وطن)."""
    end = i + 1
    bare_left = 0 if head.startswith("ال") else 2
    while end < len(folded) and end - i <= 6:
        word = folded[end]
        if word in _AR_ORDINARY:
            break
        definite = word.startswith(("ال", "لل", "وال"))
        if definite:
            bare_left = 0
        elif bare_left:
            bare_left -= 1
        else:
            break
        end += 1
    return end


_ARABIC_LETTER_RE = re.compile("[\u0600-\u06ff]")


def find_names(text: str, tokens: Tokens, language: str) -> list[Name]:
    """Every mention of a person or organisation found by form or context, in order of
    the kind of evidence (acronyms, then the rest), surnames last (see surnames())."""
    finder = _Finder(text, tokens, language)
    finder.acronyms()
    if _ARABIC_LETTER_RE.search(text, 0, 200):
        _arabic(finder, tokens)
    finder.runs()
    if language in ("ru", "uk", "be", "kk", "bg"):
        _russian_orgs(finder)
        finder.quoted()
    return finder.found + surnames(finder.found, tokens)


def surnames(found: Iterable[Name], tokens: Tokens) -> list[Name]:
    """The last name of each person found, written alone ("Lynn said"): the same person
    again. Alone: not next to another capitalised word, which would make it part of a
    longer name (found whole already)."""
    people: dict[str, tuple[str, str]] = {}  # surname -> (full name, the word before the surname)
    for n in found:
        if n.kind == "person" and " " in n.name:
            words = n.name.split()
            people.setdefault(words[-1], (n.name, words[-2]))
    if not people:
        return []
    surface = tokens.surface
    last = len(surface) - 1
    at = compress(range(len(surface)), map(people.__contains__, surface))  # in C: the few that may be
    return [Name("person", people[surface[i]][0], "surname") for i in at
            if not (i and surface[i - 1] == people[surface[i]][1])  # (the full name, counted already)
            and not (i < last and surface[i + 1][:1].isupper())]


_NOT_NAME_WORDS = frozenset(w for lexicon in EU_LEXICON.values() for w in lexicon) | frozenset(
    name for names in LATIN_MONTHS.values() for name in names) | _words("""
    north south east west northern southern eastern western central northeast northwest southeast southwest
    state province region county district city town island islands river valley oblast governorate
""")


def _places_in_name(name: str, inside: list[Mention]) -> list[Mention]:
    """The places of a capitalised run that are part of a longer name: the words around a
    place, up to a joiner or a title, hold a word of a name besides places and the words
    that only go with them (days, months, compass points, place words): "Nigeria Police",
    "Davis" in "Fed Cup and Davis Cup Finals"; not "Israel and Gaza", "US President",
    "Syria Monday", "Osun State", "Director for the Middle East". A place before a
    possessive stands alone ("Kazakhstan" in "Kazakhstan's Air Astana"). Remembered: runs recur."""
    known = _NAME_PLACES.get(name)
    if known is None:
        if len(_NAME_PLACES) > WORD_CACHE_SIZE:
            _NAME_PLACES.clear()
        known = _NAME_PLACES[name] = _nested_places(name, inside)
    return [inside[i] for i in known]


_NAME_PLACES: dict[str, tuple[int, ...]] = {}


def _nested_places(name: str, inside: list[Mention]) -> tuple[int, ...]:
    folded = tokenize(name).folded
    covered = {i for m in inside for i in range(m.start, m.end)}
    segment, segments = 0, []  # the segment of each word; joiners and titles belong to none
    for i, f in enumerate(folded):
        if f in _JOINERS or (i not in covered and _is_title(f)):
            segments.append(-1)
            segment += 1
            continue
        segments.append(segment)
        if "'" in f or "’" in f:
            segment += 1
    named = {segments[i] for i, f in enumerate(folded) if i not in covered and segments[i] >= 0
             and f not in _NOT_NAME_WORDS}
    return tuple(k for k, m in enumerate(inside) if m.entity.kind in PLACE_KINDS and segments[m.start] in named)


def _nest(nested: dict[tuple[str, bool], int], m: Mention) -> None:
    """Count a mention inside a longer name, under each place its words may name: the
    article's own mention of them may have been resolved to another ("Alexandria" in
    "Alexandria Ocasio-Cortez", an article about the US)."""
    for entity in (m.entity, *m.alternatives):
        nested[(entity.id, m.adjective)] = nested.get((entity.id, m.adjective), 0) + 1


@dataclass(frozen=True)
class NamedEntity:
    """A person or organisation found by form or context, with its mentions counted."""

    kind: str
    name: str  # the fullest form written
    method: str
    count: int

    @property
    def id(self) -> str:
        prefix = "person" if self.kind == "person" else "org"
        return f"{prefix}:" + "-".join(map(fold_token, self.name.split()))


def merge(mentions: list[Mention], found: list[Name], gazetteer: Gazetteer, text: str) -> tuple[list[Mention], list[NamedEntity]]:
    """The gazetteer's mentions and the names found by form, the longest mention winning:
    a name the gazetteer knows whole stays the gazetteer's; a place or organisation inside
    a longer name ("Los Angeles" in "Los Angeles Times", "Lagos" in "Debola Lagos") is no
    mention of its own."""
    nested: dict[tuple[str, bool], int] = {}
    entities: dict[tuple[str, tuple[str, ...]], list[Name]] = {}
    aliases: list[tuple[str, str]] = []
    for name in found:
        if name.method.startswith("acronym-alias:"):
            aliases.append((name.name, name.method.split(":", 1)[1]))
            continue
        size, inside = gazetteer.find_in_name(name.name)
        if name.kind == "name":
            if inside:
                for m in _places_in_name(name.name, inside):
                    _nest(nested, m)
            continue
        if len(inside) == 1 and inside[0].start == 0 and inside[0].end == size:
            continue  # the gazetteer knows it
        if any(m.entity.kind == name.kind or (m.entity.kind == "agency" and name.kind == "organization") for m in inside):
            continue  # a listed person or organisation inside ("Luiz Inácio Lula"): the gazetteer's
        if name.kind == "person" and name.method in ("given-name", "surname") and any(
                m.end == size and m.entity.curated for m in inside):
            continue  # "Real Madrid", "Afghan Taliban": a club, a group, not a person
        for m in inside:
            _nest(nested, m)
        entities.setdefault((name.kind, tuple(name_key(w) for w in name.name.split())), []).append(name)
    kept = []
    for m in mentions:
        if nested.get((m.entity.id, m.adjective)):  # (a demonym inside a name takes a demonym)
            nested[(m.entity.id, m.adjective)] -= 1
        else:
            kept.append(m)
    # A shorter form of a fuller name found too, its last words ("Garrett" after "Mr.",
    # "Myles Garrett" elsewhere; "Seçim Kurulu", "Yüksek Seçim Kurulu"): the same entity.
    fuller: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
    for kind, words in entities:
        if len(words) > 1:
            previous = fuller.get((kind, words[-1]))
            if previous is None or len(previous[1]) < len(words):
                fuller[(kind, words[-1])] = (kind, words)
    for kind, words in list(entities):
        target = fuller.get((kind, words[-1]))
        if target is not None and len(words) < len(target[1]) and target[1][-len(words):] == words:
            entities[target] += entities.pop((kind, words))
    out = []
    for (kind, _), names in entities.items():
        full = max((n.name for n in names), key=len)
        method = next((n.method for n in names if n.method != "surname"), names[0].method)
        count = len(names)
        for acronym, expansion in aliases:
            if expansion == full:  # "(TSE)" and "TSE" later: the same organisation
                count += len(re.findall(rf"(?<!\w){re.escape(acronym)}(?!\w)", text)) - 1
        out.append(NamedEntity(kind, full, method, max(count, 1)))
    return kept, out
