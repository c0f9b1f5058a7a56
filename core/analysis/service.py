"""Customer-service language, which general sentiment lexicons misread, set right.

People write to brands in a register of their own. VADER and AFINN-da score "help",
"please", "fine", "hjælp" and "venligst" as warm words, but in a message to a brand they are
requests ("#help", "please help", "fine, I'll wait another week"); VADER reads "no" as negative
on its own, though "no tools needed" and "no problem" are not complaints (it still negates the
word after it); and the words of a service failure — "still waiting", "no reply", "never
arrived", "virker ikke", "venter stadig" — carry no valence at all. ``adjust`` takes a
sentiment method's raw sum and per-word shares, removes the misread words' shares and adds
each failure phrase found, so the drivers name what really moved the score.

The phrases cover both languages in one list: a short post is sometimes detected as the other
language, and an English phrase in a Danish post means the same.
"""

from __future__ import annotations

from core.analysis.phrases import PhraseSet, phrases

# Failure phrases are looked for in the opening, where a message to a brand says what went
# wrong (reading all of a 1 KB post cost 160 µs).
OPENING_CHARS = 600

# Request and filler words whose lexicon warmth is not warmth when written to a brand.
REQUEST_WORDS = frozenset({"help", "please", "pls", "plz", "fine", "no",
                           "hjælp", "venligst", "fint"})

_EN_STILL = r"still (?:waiting|no|not|nothing|broken|haven'?t|hasn'?t|can'?t|doesn'?t|won'?t)"
_EN_NONE = r"(?:no|zero) (?:reply|replies|answer|answers|response|update|updates|refund|callback)"
_EN_NEVER = (r"never (?:arrived|received|came|showed up|got)|not (?:delivered|received|arrived)"
             r"|hasn'?t (?:arrived|moved|come)")
_EN_BROKEN = (r"(?:doesn'?t|does not|won'?t|can'?t|cannot|isn'?t|is not|not) (?:work|working|"
              r"connect|pair|load|turn on|fit|receive|get through)")
_DA_STILL = r"venter stadig|stadig (?:ingen|intet|ingenting|ikke)|har ventet"
_DA_NONE = r"(?:ingen|intet) svar|svarer ikke"
_DA_BROKEN = r"(?:virker|passer) (?:ikke|ikke længere)|i stykker"
_DA_NEVER = r"ikke (?:leveret|modtaget)|aldrig (?:kommet|modtaget)"

# Failure phrases and their valence in VADER's units (-1.5 is about "bad", -2.5 "awful").
SERVICE_PHRASES = PhraseSet(
    phrases("still waiting", (_EN_STILL, _DA_STILL), -2.0)
    + phrases("no answer", (_EN_NONE, _DA_NONE), -1.5)
    + phrases("never arrived", (_EN_NEVER, _DA_NEVER), -1.5)
    + phrases("does not work", (_EN_BROKEN, _DA_BROKEN), -1.5)
    + phrases("charged twice", (r"charged (?:me )?(?:twice|double)|double charged|"
                                r"trukket (?:to gange|dobbelt)",), -1.5)
    + phrases("sarcastic thanks", (r"thanks for nothing|tak for ingenting",), -2.5)
    + phrases("asks for help", (r"(?:please|pls|plz) help|#help|#hjælp|hjælp mig",), -1.0)
)


def adjust(text: str, raw: float, contributions: list[tuple[str, float]],
           ) -> tuple[float, list[tuple[str, float]]]:
    """``raw`` and ``contributions`` with request words neutralised and failure phrases added."""
    kept = [(word, 0.0 if word in REQUEST_WORDS else value) for word, value in contributions]
    removed = sum(value for word, value in contributions if word in REQUEST_WORDS)
    opening = text[:OPENING_CHARS].lower()
    added = [(found, phrase.weight) for phrase, found in SERVICE_PHRASES.find(opening)]
    return raw - removed + sum(value for _, value in added), kept + added
