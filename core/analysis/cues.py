"""The words and phrases that signal each feedback category, in English and Danish.

Written from how people phrase these things to a brand, not from any one post:

- **Problems and complaints** report a failure (broken, crashed, "doesn't work", "virker ikke"),
  a wait or a silence ("still waiting", "no reply", "venter stadig", "ingen svar"), money gone
  wrong (refund, charged twice, gebyr), a broken promise ("promised", "supposed to", "lovede"),
  repetition ("again", "third time", "igen"), blame addressed to the brand ("fix your app"), and
  sarcasm that turns praise upside down ("thanks a lot", "/s", "tak for ingenting").
- **Questions** ask: a question mark, a question word or an inverted verb opening a sentence
  ("how", "does", "hvordan", "kan"), or a request for knowledge ("anyone know", "ved nogen").
- **Ideas** wish or request: "would be great if", "please add", "I wish", "kunne være fedt",
  "savner", "forslag".
- **Tips** advise other users ("tip", "PSA", "if your …", "worked for me", "sådan fikser du").
- **New uses** report the product used for something else ("turns out it's perfect for",
  "bruger den til").
- **Regulation** names laws, rules and regulators ("EU", "regulator", "Finanstilsynet").
- **Praise** thanks and recommends; its main evidence is positive sentiment.

Each cue has a weight: 2 for a phrase that alone says the category, 1 for a word that only
leans towards it. ``core.analysis.classify`` adds them up with sentiment and picks the best.
"""

from __future__ import annotations

import re

from core.analysis.categories import (
    COMPLAINT,
    IDEA,
    NEW_USE,
    PRAISE,
    QUESTION,
    REGULATION,
    TIP,
)
from core.analysis.phrases import PhraseSet, phrases

STRONG = 2.0  # a phrase that alone says the category
LEANS = 1.0  # a word that leans towards it

_COMPLAINT_STRONG = (
    # waiting and silence
    r"still (?:waiting|no|not|nothing|broken|haven'?t|hasn'?t|can'?t|doesn'?t|won'?t)",
    r"(?:been |am |i'?m )?waiting (?:for|since|on)|waited (?:\d+|for (?:weeks|days|months|hours|"
    r"ages))|(?:have|i) waited|\d+ (?:days?|weeks?|months?) (?:ago|and "
    r"counting|now|without|since)|day \d+",
    r"(?:no|zero) (?:reply|replies|answer|answers|response|updates?|refund|callback|signal|"
    r"internet)|nobody (?:answers|replies|reads|can tell|is answering)|(?:no one|nobody) "
    r"(?:answer|repl)|is nobody answering|nothing since",
    r"never (?:arrived|received|came|got)|not (?:delivered|received|arrived)|hasn'?t "
    r"(?:arrived|moved|come)|haven'?t (?:received|heard)|missing (?:order|parcel|package)",
    # money
    r"refunds?|money back|return label|reimburse\w*|compensation",
    r"charged (?:me )?(?:twice|double|for)|charged me|billed|overcharged|double(?:d)? (?:my )?"
    r"bill|fee on",
    # failure
    r"(?:doesn'?t|does not|don'?t|won'?t|wouldn'?t|couldn'?t|didn'?t|can'?t|cannot|isn'?t|not) "
    r"(?:work|working|connect|pair|load|turn on|fit|receive|get through|log in|type|pay|update|"
    r"lock|unlock|open|start|charge|sync|play|respond|arrive|come|show up)",
    r"expected (?:more|better)|deleted my|wiped my|lost all|impossible|unable to|not helpful|"
    r"unhelpful|no help|heard nothing|no word|known issue|no date|no fix|took the \w* ?fee|"
    r"cancell?ed on me|gave (?:up|out)|(?:internet|wifi|app|site|signal|connection|service) "
    r"(?:is |went )?down",
    r"want (?:my|our|the) money|money for the [\w -]{1,30} back|misleading|hidden (?:fee|cost|"
    r"charge)s?|nobody can (?:explain|help)|went up by|(?:bill|price) went up",
    r"refused to|won'?t let|wouldn'?t let|greys? out|grayed out|unresponsive|already (?:sent|told|"
    r"explained|tried|paid)|it'?s now|it is now|got fined|was fined|(?:emailed|called|written|"
    r"wrote|messaged) (?:twice|\w+ times)",
    r"stopped (?:working|turning|charging)|unusable|useless|broken|broke|cracked|died|dead|"
    r"faulty|defect\w*|stale|burnt|dull|dent(?:ed)?|sagging|peeling|leak(?:s|ing)?|rusted|torn|"
    r"vanished|disappeared|nowhere",
    r"crash(?:es|ed|ing)?|outage|is down|been down|error(?: page)?|lags?|freez\w*|froze|stuck|"
    r"locked out|declined|keeps? (?:logging|dropping|crashing|getting|resetting|skipping|"
    r"freezing|failing|cutting)|resets itself",
    r"cancell?ed (?:my|our|the) (?:flight|order)|cancels|delay(?:ed|s)?|lost (?:my|our|luggage|"
    r"the)",
    r"wrong (?:\w+ )?(?:delivered|item|size|colou?r|one)|got the wrong",
    # judgement and blame
    r"worst|terrible|awful|horrible|nightmare|unacceptable|disappoint\w*|not (?:happy|impressed|"
    r"cool|ok|okay|good enough|normal)|fix (?:your|this|it)|i'?m done with|i'?m cancelling|"
    r"cancelling (?:tomorrow|today|my)|on hold|nobody told",
    r"promised|broken promise|supposed to|was told|you had one job|who asked for this|"
    r"what is going on|what happened",
    # sarcasm
    r"thanks a lot|thanks for nothing|really appreciate it|great, another|nice \w+ though|/s",
    r"(?:third|fourth|fifth|\d+(?:rd|th)) (?:time|ticket|delay)|\d+ (?:emails|times|tickets|calls)",
)
_COMPLAINT_LEANS = (r"again|lol|(?:please|pls|plz) help|#help|#hjælp|missing|why (?:is|does|do)|"
                    r"told me|i paid|even though",)

_DA_COMPLAINT_STRONG = (
    r"venter|ventet|vente på|stadig (?:ingen|intet|ingenting|ikke)",
    r"(?:ingen|intet) svar|svarer ikke|ingen (?:reagerer|svarer)|hvorfor svarer",
    r"ikke (?:leveret|modtaget|kommet)|aldrig kommet|manglende|væk|mistede|mistet",
    r"refusion|pengene (?:tilbage|retur)|retur ?label|kompensation\w*",
    r"trukket|trak mig|opkræv\w*|fordoblede|regning",
    r"virker ikke|fungerer ikke|passer ikke|(?:gået )?i stykker|døde|revnede|revnet|crasher|"
    r"(?:er|været|var) nede|fejl|hakker|hænger|brænder på|afvist|låst ude|aflyst\w*|aflyser|"
    r"forsink\w*|sunket|utæt|rust|irriterende|træls|utilfreds",
    r"(?:ringet|skrevet|mailet) (?:\w+ )?(?:gange|gang)|ingen tager|skulle komme|nu er det",
    r"ingen kan (?:forklare|svare|hjælpe)|vildledende|skjulte gebyrer|(?:regning\w*|pris\w*) "
    r"steg|forvent\w* (?:man |jeg )?(?:mere|bedre)|slettet|umuligt|ikke til (?:nogen )?hjælp|"
    r"(?:intet|ikke noget) hørt|hørt intet|ingen løsning|holdt (?:kun |én |en )",
    r"telefonkø|logger (?:mig )?ud|kan i ikke (?:fikse|rette|løse)|fiks det",
    r"elendig|ubrugelig|skuffende|skuffet|ikke (?:i orden|okay|ok|godt nok)|billig plastik|"
    r"værste|tak for ingenting",
    r"lovede|løfte|brudt|skulle (?:være|have)|hvad sker der|hvad er der sket",
    r"(?:tredje|fjerde|femte|tiende) (?:gang|dag)|\d+ gange",
)
_DA_COMPLAINT_LEANS = (r"igen|stadig|hvorfor (?:er|bliver|kan)|gebyr|larmer|ikke ligefrem|"
                       r"hver gang",)

_QUESTION_STRONG = (
    r"any ?(?:one|body) (?:know|tried|flown|here|else)|does any ?(?:one|body)|any idea|is there a "
    r"way|how (?:do|can|long|early) (?:i|you|we)|quick question|wondering (?:whether|if)|"
    r"looking for|thinking about|honest opinions|who (?:do i|should i) (?:contact|talk)|"
    r"who knows? (?:if|whether|how)|anyone\?",
    r"ved nogen|er der nogen|nogen der|kan nogen|hvordan (?:kan|gør|ændrer|sætter|eksporterer|"
    r"kalibrerer)|overvejer|nogen erfaring|hvem skal jeg",
)
_QUESTION_LEANS = (r"quick q|help me|hjælp mig",)

_IDEA_STRONG = (
    r"would be (?:great|nice|amazing|cool|awesome|lovely|handy|useful|fantastic)|it'?d be "
    r"(?:nice|great|cool)|i wish|please (?:add|bring back|make|consider|let)|feature requests?|"
    r"suggestions?|idea:|would love (?:to see|it if)|would buy|should (?:make|add|offer)|"
    r"any chance of|(?:can|could|would) you (?:please )?add|give us|only thing missing|"
    r"if \w+(?: \w+)? had (?:a|an)|(?:really )?needs? an? \w+|wish (?:\w+ )?(?:made|had|would|"
    r"could|offered)|should (?:let|have|allow)|would be (?:so|really) (?:useful|handy|nice|"
    r"great|helpful)|should (?:open|build|sell|bring|start)|lad (?:os|mig) \w+",
    r"kunne være (?:fedt|rart|godt|smart|super)|ville være (?:fedt|rart|godt|smart|super|"
    r"dejligt)|savner|forslag til|forslag:|idé:|ville ønske|ønsker mig|burde (?:lave|tilføje|"
    r"have|lade|åbne|tilbyde|sælge|give)|kunne i (?:ikke )?(?:tilføje|lave)|ville være praktisk|"
    r"eneste \w+ mangler|"
    r"ville købe|gerne se|"
    r"mangler (?:virkelig |bare )?(?:en|et)",
)

_TIP_STRONG = (
    r"(?:owners|users|ejere|brugere)[:,]|(?:pro )?tip\b|psa|hack:|trick:|how to fix|"
    r"for anyone (?:whose|who)|if your|if (?:the|my) [\w '’]{1,30}, (?:move|turn|try|unplug|"
    r"restart|reset|clean|put)|"
    r"worked for me|saved me|game changer|you can (?:set|turn|block)|replying to|reply to",
    r"tip til|sådan (?:fikser|laver|gør)|hvis (?:din|dit|dine|kaffen|\w+ synkroniserer)|"
    r"det hjælper|man kan (?:blokere|slå)|så forsvinder|så bliver|så (?:flyt|sluk|prøv|"
    r"genstart)",
)
# An imperative opening a post gives advice: "Run a handful of rice …", "Forvarm stenen …".
_TIP_LEANS = (
    r"^(?:run|lower|preheat|check|try|use|turn|unplug|clean|kør|sænk|forvarm|tjek|prøv|brug|slå|"
    r"rens)\b",
)

_NEW_USE_STRONG = (
    r"turns out [\w '’]{0,30}(?:great|perfect|brilliant|ideal|good) for|(?:perfect|brilliant|"
    r"great|ideal) for (?:grinding|watering|\w+ing)|using (?:my|our)"
    r" [\w ]{1,30} (?:to|for)|uses [\w '’]{1,40} for|not what it'?s (?:made|meant) for|converted|"
    r"repurpos\w*|didn'?t know it could|used (?:the|my|our) [\w '’]{1,30} as|(?:we|i) use "
    r"[\w '’]{1,40} (?:in|for) (?:our|my)",
    r"viser sig|perfekt til|bruger (?:[\w ]{1,30}) til|bygget [\w ]{1,30} om til|bruger "
    r"[\w ]{1,40} i (?:vores|mit|min)",
)

_REGULATION_STRONG = (
    r"regulat\w*|\beu(?:'s)?\b|legislation|parliament|proposal|authority|\bfsa\b|fines? "
    r"(?:operators|companies|over)|directive|\bban\b|ban on|banning|council|votes? on",
    r"passenger rights|right[- ]to[- ]repair|gdpr|ombudsman|consumer (?:authority|council|"
    r"agency)|\w+ agency",
    r"eu-regler|regler\b|lovforslag|finanstilsyn\w*|tilsyn\w*|folketing\w*|forslaget om|"
    r"direktiv\w*|byråd\w*|forbud\w*|kommunen|\w*styrelsen",
    r"passagerrettighed\w*|ret til reparation|afgift\w*|ombudsmand\w*|forbrugerombudsmand\w*",
)
_REGULATION_LEANS = (r"rules|law\b|\blov\b",)

_PRAISE_STRONG = (
    r"shout-?out|kudos|well done|nice work|highly recommend|can'?t say enough good|worth every|"
    r"won me over|(?:fixed|sorted|replaced|solved|refunded) (?:my|it|out|me|a|the)|didn'?t "
    r"expect that|pleasantly surprised|genuinely surprised|(?:so|scary|ridiculously|really|"
    r"insanely) good|legend|that'?s how you|for free",
    r"stor ros|godt gået|flot arbejde|kan varmt anbefales|pengene værd|overbevist mig|"
    r"positivt overrasket|bedste køb|sådan (?:holder|skal) man|gratis",
)
_PRAISE_LEANS = (
    r"better \w+ than|bedre \w+ end|thank|love|best|great|amazing|brilliant|impressed|"
    r"recommend|worth|tak\b|ros\b|elsker|bedste|anbefal\w*|værd|flot|imponer\w*|genial|søde",
)


# Every cue, both languages together (short posts are sometimes detected as the other one).
CUES = PhraseSet(
    phrases(COMPLAINT, _COMPLAINT_STRONG + _DA_COMPLAINT_STRONG, STRONG)
    + phrases(COMPLAINT, _COMPLAINT_LEANS + _DA_COMPLAINT_LEANS, LEANS)
    + phrases(QUESTION, _QUESTION_STRONG, STRONG) + phrases(QUESTION, _QUESTION_LEANS, LEANS)
    + phrases(IDEA, _IDEA_STRONG, STRONG)
    + phrases(TIP, _TIP_STRONG, STRONG) + phrases(TIP, _TIP_LEANS, LEANS)
    + phrases(NEW_USE, _NEW_USE_STRONG, STRONG)
    + phrases(REGULATION, _REGULATION_STRONG, STRONG)
    + phrases(REGULATION, _REGULATION_LEANS, LEANS)
    + phrases(PRAISE, _PRAISE_STRONG, STRONG) + phrases(PRAISE, _PRAISE_LEANS, LEANS)
)

# A sentence that asks: a question mark, or a question word or inverted verb opening it.
QUESTION_MARK = re.compile(r"\?(?:\s|$)")
QUESTION_OPENER = re.compile(
    r"(?:^|[.!?\n]\s*)(?:how|what|which|when|where|who|why|is|are|does|do|did|can|could|would|"
    r"will|should|has|have|any|anyone|anybody|hvordan|hvad|hvilken|hvilke|hvornår|hvor|hvem|"
    r"hvorfor|er|kan|kunne|må|skal|findes|nogen|understøtter|følger|virker|sender)\b(?!['’])"
)
# Comparing the brand with a competitor (when both were matched).
COMPARISON = re.compile(r"\b(?:switch(?:ed|ing)? (?:from|to)|compar\w*|vs\.?|versus|"
                        r"skiftede fra|skifter fra|sammenlign\w*)\b")
HANDLE = re.compile(r"(?<![\w@])@[\w.]+")
# The writer speaking of themselves: a personal experience, not news.
FIRST_PERSON = re.compile(r"\b(?:i|my|me|we|our|jeg|min|mit|mine|vi|vores)\b", re.IGNORECASE)
