"""Demo feeds about a fictional coffee brand, written by the project, dated relative to now.

The demo has to look like a Monday morning for a community manager: praise, complaints (an app
outage, a broken grinder, a refund that never came), questions, feature ideas, competitor talk,
support tips people give each other, a share of it in Danish, spread over the last week and
denser in the last hours. Every sentence below was written for listenpost; posts are built by
filling short templates with a seeded ``random.Random``, so the same ``now`` and ``seed`` always
give the same bytes (tests and screenshots rely on it).

Each feed copies the shape of the real thing it stands for (a Google Alerts Atom feed, a company
blog with ``slash:comments``, a Reddit search RSS, a Mastodon tag RSS, a YouTube channel Atom
feed with ``media:`` statistics, an hnrss feed), with HTML markup and entities where the real
feeds carry them. One path stands for a source that is broken: it serves an HTML error page.
"""

# ruff: noqa: E501  (prose templates read better unbroken than wrapped to the column)

from __future__ import annotations

import base64
import hashlib
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate
from xml.sax.saxutils import escape, quoteattr

BRAND = "Northwind Coffee"
PRODUCTS = ("Burr Mill", "Roast Club", "Northwind app")
COMPETITORS = ("Copperpot Roasters", "Beanwise")
WINDOW = 7 * 86400  # the demo spans a week, like the default "since" of a weekly report
FAILING_PATH = "/forum/feed.xml"
# The source that always fails, so the status line and reports show source health.
FAILING_SOURCE = "Community forum"

# ---------------------------------------------------------------------------------------------
# What people say. Bodies are HTML fragments (entities and a little markup on purpose).
# Slots: {b} brand, {c} competitor, {city}, {drink}, {bean}, {n} small number, {weeks}, {order}.
# ---------------------------------------------------------------------------------------------

Template = tuple[str, str]  # (title, body)

PRAISE: tuple[Template, ...] = (
    (
        "Burr Mill: dialled in on the first try",
        "Got the Burr Mill from {b} {weeks} weeks ago and dialled in a {drink} on the very first "
        "try. The grind is so even my old burrs look like a rock crusher next to it.",
    ),
    (
        "Roast Club box this month is stellar",
        "This month&#8217;s Roast Club box from {b} is stellar. The {bean} tastes like stone fruit "
        "and brown sugar &mdash; I&#8217;ve been rationing it.",
    ),
    (
        "Shout-out to {b} support",
        "Shout-out to {b} support: my Burr Mill hopper cracked in the post and they had a new one "
        "on my doorstep in {city} two days later. No forms, no fuss.",
    ),
    (
        "Quietest grinder I have owned",
        "The Burr Mill is the quietest grinder I have owned. I can make a {drink} at 6am without "
        "waking the whole flat. Thank you {b}!",
    ),
    (
        "The Northwind app reorder button is dangerous",
        "The one-tap reorder in the Northwind app is dangerous for my wallet. Beans arrive two days "
        "before I run out, every single time.",
    ),
    (
        "{b} pop-up in {city} was lovely",
        "Stopped by the {b} pop-up in {city} today. Friendly baristas, a <b>fantastic</b> {bean} "
        "pour-over, and they let me try the Burr Mill before buying.",
    ),
    (
        "A year with the Burr Mill",
        "One year with the Burr Mill, roughly {n}00 shots. Zero clogs, still consistent, cleaning "
        "takes five minutes. Easily the best kitchen purchase I have made.",
    ),
    (
        "Roast Club made me like light roasts",
        "I always thought light roasts were sour. Three months of Roast Club later I&#8217;m "
        "grinding {bean} for filter every morning. {b} changed my mind.",
    ),
    (
        "All compostable bags now",
        "Love that {b} switched to compostable bags. Small thing, but it&#8217;s why I keep my "
        "Roast Club subscription.",
    ),
    (
        "A gift that actually landed",
        "Gave my dad a Burr Mill for his birthday. He has since texted me {n} photos of his "
        "espresso. {b}, you made a retired engineer very happy.",
    ),
)

OUTAGE: tuple[Template, ...] = (
    (
        "Northwind app down again?",
        "Is the Northwind app down again? Checkout spins forever and then says &quot;something "
        "went wrong&quot;. Third time this week. I just want my beans.",
    ),
    (
        "Can't log in to the Northwind app",
        "Can&#8217;t log in to the Northwind app since this morning. The password reset email "
        "never arrives. {b}, please look at this.",
    ),
    (
        "The outage ate my Roast Club order",
        "The outage last night ate my Roast Club order: charged, but the app shows nothing and "
        "there is no confirmation mail. Anyone else?",
    ),
    (
        "Northwind app crashes on launch after the update",
        "After the latest update the Northwind app crashes on launch. Reinstalled twice. Not great "
        "when it&#8217;s the only way to pause the subscription.",
    ),
    (
        "{b} status page says all green",
        "The {b} status page says everything is fine, but the app has been throwing errors for "
        "{n} hours. Be honest with us, please.",
    ),
)

GRINDER: tuple[Template, ...] = (
    (
        "Burr Mill grinding inconsistent after {weeks} weeks",
        "My Burr Mill started grinding wildly inconsistent after {weeks} weeks. Shots go from 20 to "
        "45 seconds on the same setting. Really disappointed for the price.",
    ),
    (
        "Broken grinder in week two",
        "My Burr Mill stopped turning in week two. The motor hums, the burrs don&#8217;t move. "
        "Emailed {b} support {n} days ago, no reply yet.",
    ),
    (
        "Squeaking Burr Mill",
        "Anyone else&#8217;s Burr Mill squeaking? Mine makes a horrible high-pitched noise at finer "
        "settings. Sounds like something is rubbing.",
    ),
    (
        "Static everywhere",
        "The Burr Mill throws grounds <i>everywhere</i>. A static mess all over the counter every "
        "morning. My old {c} grinder never did this.",
    ),
    (
        "Adjustment ring stuck",
        "The adjustment ring on my Burr Mill is stuck between 8 and 9. Can&#8217;t go finer, "
        "can&#8217;t go coarser. Useless for espresso now.",
    ),
    (
        "Burr Mill hopper cracked",
        "The hopper on my Burr Mill cracked after a small drop onto a wooden floor. At this price I "
        "expected sturdier plastic, {b}.",
    ),
)

REFUND: tuple[Template, ...] = (
    (
        "Still waiting for my refund",
        "Returned my Burr Mill {weeks} weeks ago and I am still waiting for the refund. Order "
        "{order}. {b} support keeps saying &quot;it&#8217;s being processed&quot;.",
    ),
    (
        "Charged twice for Roast Club",
        "Got charged twice for Roast Club this month and the refund form on the {b} site just "
        "errors out. Not happy.",
    ),
    (
        "Cancelled but still billed",
        "Cancelled my Roast Club in March and {b} still billed me in April. It took {n} emails to "
        "get the money back.",
    ),
    (
        "Refund denied for a broken grinder?",
        "{b} denied my refund because the Burr Mill was &quot;used&quot;. Of course it was used, "
        "that&#8217;s how I found out it was broken.",
    ),
    (
        "Worst customer service",
        "Honestly the worst customer service I have dealt with. Wrong beans delivered, a refund "
        "promised, nothing after {n} days. Going back to {c}.",
    ),
)

QUESTION: tuple[Template, ...] = (
    (
        "Burr Mill settings for V60?",
        "What setting do people use on the Burr Mill for V60? I&#8217;m on 14 and it tastes a bit "
        "thin. Using the {bean} from {b}.",
    ),
    (
        "Can you pause Roast Club?",
        "Can you pause Roast Club for a month without cancelling? Going travelling and don&#8217;t "
        "want beans piling up. Couldn&#8217;t find it in the Northwind app.",
    ),
    (
        "Does {b} ship to {city}?",
        "Does {b} ship to {city} yet? The site only lists a few countries and I&#8217;d love to try "
        "Roast Club.",
    ),
    (
        "Burr Mill or {c} for a beginner?",
        "Beginner here: Burr Mill or the {c} grinder? Mostly pour-over, the occasional {drink}. "
        "Budget is tight.",
    ),
    (
        "How often do you clean the Burr Mill?",
        "How often should I clean the Burr Mill burrs? Daily espresso, oily beans sometimes. The "
        "manual just says &quot;regularly&quot;.",
    ),
    (
        "Does the Northwind app work with other scales?",
        "Does the Northwind app connect to any scale other than their own? I&#8217;d love to log "
        "shots from the one I already have.",
    ),
    (
        "Which Roast Club plan for two?",
        "Which Roast Club plan is worth it for two people drinking {n} cups a day: 500 g or 1 kg?",
    ),
    (
        "Burr Mill warranty in the EU?",
        "What&#8217;s the warranty on a Burr Mill bought in the EU? Two years, or does {b} do "
        "something shorter?",
    ),
    (
        "Decaf in Roast Club?",
        "Is there a decaf option in Roast Club? My partner loves the idea but can&#8217;t have "
        "caffeine after noon.",
    ),
)

IDEA: tuple[Template, ...] = (
    (
        "Feature request: grind presets in the Northwind app",
        "Feature request for the Northwind app: let me save grind presets per bean. Switching "
        "between espresso and filter on the Burr Mill is a guessing game.",
    ),
    (
        "Roast Club: let us swap a bag",
        "I&#8217;d love it if Roast Club let you swap one bag per box. Not a fan of naturals, but "
        "everything else has been great. {b}, please?",
    ),
    (
        "Idea: a single-dose hopper for the Burr Mill",
        "Idea for {b}: sell a single-dose hopper for the Burr Mill. Half of us weigh our beans "
        "anyway, and the big hopper just goes stale.",
    ),
    (
        "Please add a dark mode",
        "The Northwind app needs a dark mode. Checking my order at 6am with that bright white "
        "screen is brutal.",
    ),
    (
        "Brew notes in the app",
        "It would be great if the Northwind app had brew notes per bag: ratio, time, how it tasted. "
        "Then Roast Club could learn what I like.",
    ),
    (
        "Refill pouches instead of tins",
        "Suggestion: refill pouches instead of a new tin with every Roast Club order. Less waste, "
        "and cheaper for {b} to ship.",
    ),
    (
        "A grind-by-time button",
        "If the next Burr Mill had a grind-by-time button like the {c} one has, I would upgrade "
        "tomorrow.",
    ),
    (
        "Local pickup in {city}?",
        "Could {b} offer local pickup at the {city} roastery? Shipping costs more than the beans "
        "on small orders.",
    ),
)

COMPETITOR: tuple[Template, ...] = (
    (
        "Switched from {c}",
        "Switched from {c} to {b} last month. The beans are fresher, but {c} had the nicer app, "
        "I&#8217;ll admit.",
    ),
    (
        "{c} price hike",
        "{c} just raised their subscription price by {n}0%. Looking at Roast Club from {b} instead. "
        "Anyone compared the two?",
    ),
    (
        "{c} vs Burr Mill, blind",
        "Did a blind test: {c} grinder vs Burr Mill, same {bean}, same recipe. Four out of five "
        "friends picked the Burr Mill cup.",
    ),
    (
        "{c} now ships to {city}",
        "Heads up: {c} now ships to {city} with free delivery over 30 euros. Cheaper than {b} for "
        "me.",
    ),
    (
        "Leaving {b} for {c}",
        "After the refund saga I&#8217;m done with {b}. Ordered from {c} today, we&#8217;ll see.",
    ),
    (
        "{c} launched a grinder",
        "{c} launched their own grinder this week. Looks a lot like the Burr Mill but with a metal "
        "hopper. Curious how it holds up.",
    ),
    (
        "Subscriptions compared",
        "Comparing coffee subscriptions: Roast Club ({b}), {c} and a local roaster. {b} wins on "
        "freshness, {c} on price.",
    ),
)

TIP: tuple[Template, ...] = (
    (
        "Tip: fixing a squeaky Burr Mill",
        "Tip for squeaky Burr Mill owners: take the top burr out, brush the threads and reseat it "
        "properly. Mine has been silent for {weeks} weeks since.",
    ),
    (
        "PSA: Northwind app login fix",
        "PSA: if the Northwind app won&#8217;t log you in, clear its cache in your phone settings. "
        "Fixed it for me and two friends.",
    ),
    (
        "Static fix for the Burr Mill",
        "Static fix for the Burr Mill: one spritz of water on the beans before grinding (the "
        "&quot;RDT&quot; trick). No more grounds everywhere.",
    ),
    (
        "How to pause Roast Club",
        "For anyone asking how to pause Roast Club: it&#8217;s under Account &gt; Subscription "
        "&gt; Skip next box on the website, not in the Northwind app.",
    ),
    (
        "Recalibrating the Burr Mill",
        "If your Burr Mill drifts, recalibrate: turn it towards zero with the motor running until "
        "the burrs just touch, then back off two steps. Takes a minute.",
    ),
    (
        "Refund tip for {b}",
        "Refund tip: reply to the original {b} order email instead of using the contact form. Got "
        "mine sorted in a day that way.",
    ),
)

NEWS: tuple[Template, ...] = (
    (
        "Northwind Coffee opens a second roastery in {city}",
        "Northwind Coffee has opened a second roastery in {city}, doubling capacity for its Roast "
        "Club subscription, the company said on Tuesday.",
    ),
    (
        "Review: the Burr Mill is the home grinder to beat",
        "In our tests the Burr Mill from Northwind Coffee gave the most even grind of any grinder "
        "under 300 euros, though it is louder at fine settings than its maker claims.",
    ),
    (
        "Northwind Coffee apologises for app outage",
        "Northwind Coffee apologised to customers after an outage left its app unable to take "
        "orders for several hours on Monday.",
    ),
    (
        "Coffee subscriptions compared: Northwind, {c} and more",
        "We compared five coffee subscriptions, including Roast Club from Northwind Coffee and {c}. "
        "Here&#8217;s how they stack up on price, freshness &amp; flexibility.",
    ),
    (
        "Northwind Coffee replaces batch of Burr Mill hoppers",
        "Northwind Coffee is replacing a batch of Burr Mill hoppers that may crack, and says owners "
        "can request a new one free of charge.",
    ),
    (
        "{city} café scene: Northwind pop-up draws queues",
        "A Northwind Coffee pop-up drew queues around the block in {city} this weekend, with "
        "baristas demonstrating the Burr Mill.",
    ),
    (
        "Northwind Coffee raises Roast Club prices",
        "Northwind Coffee will raise Roast Club prices by {n}% next month, citing green coffee "
        "costs. {c} made a similar move earlier this year.",
    ),
)

# A namesake the brand query excludes (-"Northwind Traders"), so the demo shows exclusions work.
DECOY: Template = (
    "Building the Northwind Traders sample database in SQL",
    "A step-by-step tutorial on the classic Northwind Traders sample database: orders, customers "
    "and suppliers, with a few queries to practise joins.",
)

DANISH: tuple[Template, ...] = (
    (
        "Bedste kværn jeg har haft",
        "Jeg har haft min Burr Mill fra {b} i {weeks} uger nu, og den er fantastisk. Espressoen "
        "smager bedre end på min lokale café.",
    ),
    (
        "Roast Club er pengene værd",
        "Roast Club fra {b} er virkelig pengene værd. Bønnerne er friske, og kaffen fra {bean} er "
        "den bedste, jeg har smagt i år.",
    ),
    (
        "Super god kundeservice",
        "Super god kundeservice hos {b}! Min kværn gik i stykker, og de sendte en ny med det samme. "
        "Tusind tak.",
    ),
    (
        "Dejlig pop-up i {dkcity}",
        "Var forbi pop-up-butikken fra {b} i {dkcity} i dag. S&aring; venligt personale og en skøn kop "
        "filterkaffe. Kan varmt anbefales.",
    ),
    (
        "Endelig stille kaffe om morgenen",
        "Burr Mill er så stille, at jeg kan lave kaffe klokken seks uden at vække børnene. Jeg "
        "elsker den.",
    ),
    (
        "Appen virker ikke",
        "Northwind-appen virker ikke igen. Jeg kan ikke logge ind, og min bestilling er forsvundet. "
        "Meget irriterende.",
    ),
    (
        "Venter stadig på refusion",
        "Jeg har ventet i {weeks} uger på min refusion fra {b}. Ingen svarer på mine mails. En "
        "rigtig dårlig oplevelse.",
    ),
    (
        "Kværnen larmer og maler ujævnt",
        "Min Burr Mill larmer forfærdeligt og maler ujævnt efter kun en måned. Skuffende til den "
        "pris.",
    ),
    (
        "Skifter til {c}",
        "Jeg er træt af forsinkede leveringer fra {b}. Jeg skifter til {c} fra næste måned.",
    ),
    (
        "Trukket to gange",
        "{b} har trukket pengene for Roast Club to gange denne måned. Det er simpelthen for dårligt.",
    ),
    (
        "Sender Northwind til Danmark?",
        "Er der nogen, der ved, om {b} sender til Danmark? Jeg vil gerne prøve Roast Club, men jeg "
        "kan ikke finde fragtpriserne.",
    ),
    (
        "Hvilken indstilling til espresso?",
        "Hvilken indstilling bruger I på Burr Mill til espresso? Jeg står på 5, men kaffen løber "
        "alt for hurtigt igennem.",
    ),
    (
        "Forslag til appen",
        "Forslag til Northwind-appen: lad os gemme vores egne opskrifter. Det ville gøre det meget "
        "nemmere at skifte mellem bønner.",
    ),
    (
        "Roast Club eller {c}?",
        "Har nogen prøvet både {c} og Roast Club? Jeg synes, {b} smager bedst, men {c} er billigere.",
    ),
)

VIDEO: tuple[Template, ...] = (
    (
        "Burr Mill review after {weeks} weeks: worth it?",
        "An honest long-term review of the Northwind Coffee Burr Mill: grind consistency, noise, "
        "cleaning and the problems I ran into.",
    ),
    (
        "Unboxing this month's Roast Club box",
        "Unboxing the Northwind Roast Club box and brewing the {bean} three ways: V60, AeroPress "
        "and espresso.",
    ),
    (
        "Burr Mill vs {c}: blind taste test",
        "Same beans, same recipe, two grinders. Which one wins, the Burr Mill or the {c}? Results "
        "at the end.",
    ),
    (
        "How to fix a squeaky Burr Mill in 2 minutes",
        "A quick fix for the squeak some Burr Mill grinders develop at fine settings. No tools "
        "needed.",
    ),
    (
        "Dialling in espresso on the Burr Mill",
        "A beginner-friendly walkthrough of dialling in espresso on the Northwind Burr Mill, from "
        "the first sink shot to a balanced {drink}.",
    ),
    (
        "I cancelled Roast Club. Here's why",
        "Why I cancelled my Northwind Roast Club subscription after {n} months, and what I switched "
        "to instead.",
    ),
    (
        "Northwind app tour: every feature explained",
        "A full tour of the Northwind app: reordering, subscriptions, the brew timer and grinder "
        "settings.",
    ),
    (
        "{c} vs Roast Club: one month each",
        "I tried {c} and Northwind's Roast Club for a month each. Price, freshness and taste, "
        "compared.",
    ),
)

HN_STORIES: tuple[Template, ...] = (
    (
        "Show HN: I reverse-engineered the Northwind Burr Mill's Bluetooth protocol",
        "The Burr Mill talks to the Northwind app over a small BLE protocol. I wrote down every "
        "message so you can log grind times from a script.",
    ),
    (
        "Northwind Coffee app outage post-mortem",
        "A database migration locked the orders table for four hours; the Northwind app retried "
        "every request and made it worse.",
    ),
    (
        "Ask HN: Anyone else locked out of the Northwind app?",
        "Password resets never arrive and support says it is on my side. Is it just me?",
    ),
    (
        "Why coffee grinders are harder to build than you think",
        "Burr alignment to a few microns, motors that do not heat the beans, and static: notes from "
        "the team behind the Burr Mill at Northwind Coffee.",
    ),
    (
        "Ask HN: Best home espresso setup under 500 euros? Burr Mill vs {c}",
        "Looking for a grinder for espresso and filter. The Burr Mill and the {c} one come up "
        "everywhere. Experiences?",
    ),
    (
        "The logistics behind Northwind's Roast Club",
        "How a coffee subscription decides when to roast, so beans reach you a week after roasting.",
    ),
)

OWNED_POSTS: tuple[Template, ...] = (
    (
        "What happened during Monday's app outage",
        "<p>On Monday the Northwind app could not take orders for almost four hours. We are sorry. "
        "Here is what broke, what we changed, and what we owe you.</p><ul><li>A database change "
        "locked our orders table.</li><li>The app retried every request, which made it worse."
        "</li><li>Anyone charged without an order gets a refund this week &mdash; no need to "
        "write in.</li></ul>",
    ),
    (
        "Meet the new Burr Mill firmware",
        "<p>Firmware 2.3 for the Burr Mill is out. It makes the motor start more gently (goodbye, "
        "squeak at fine settings) and adds a grind-by-time mode you asked for.</p>",
    ),
    (
        "Replacement hoppers for early Burr Mills",
        "<p>Some early Burr Mill hoppers can crack if dropped. If yours did, write to us with your "
        "order number and we&#8217;ll send a new one free of charge.</p>",
    ),
    (
        "This month in Roast Club: {bean}",
        "<p>This month&#8217;s Roast Club coffee is a {bean}: juicy, sweet, made for filter. "
        '<a href="https://northwind.example/roast-club">See the roast notes</a>.</p>',
    ),
    (
        "How we choose our green coffee",
        "<p>Every coffee in Roast Club is cupped by three of us, blind, before we buy it. Here is "
        "how a sample becomes a bag on your doorstep.</p>",
    ),
    (
        "Roast Club pauses are here",
        "<p>You can now skip a Roast Club box or pause for up to three months, on the web and in the "
        "Northwind app.</p>",
    ),
    (
        "Dialling in espresso: our baristas' cheat sheet",
        "<p>Start at 18 g in, 36 g out, 28 seconds. Too sour? Grind finer. Too bitter? Coarser. "
        "Our Burr Mill cheat sheet has a setting for every Roast Club coffee.</p>",
    ),
    (
        "We're opening in {city}",
        "<p>Our second roastery opens in {city} next month &amp; you&#8217;re invited to the "
        "first cupping.</p>",
    ),
)

FILLERS: dict[str, tuple[str, ...]] = {
    "drink": ("flat white", "cortado", "espresso", "oat latte", "cappuccino", "long black"),
    "bean": (
        "Ethiopia Guji",
        "Kenya Nyeri",
        "Colombia Huila",
        "Brazil Cerrado",
        "Guatemala Huehuetenango",
        "Rwanda Nyamasheke",
    ),
    "city": ("Leeds", "Aarhus", "Bristol", "Melbourne", "Toronto", "Portland", "Dublin"),
    "dkcity": ("Aarhus", "København", "Odense", "Aalborg"),
    "c": ("Copperpot", "Copperpot Roasters", "Beanwise"),
    "b": ("Northwind", "Northwind Coffee", "Northwind Coffee", "Northwind"),
}
AUTHORS = (
    "brewnerd42",
    "oatflatwhite",
    "dialed_in",
    "morningpourover",
    "kettle_and_co",
    "grindsettings",
    "sam.roasts",
    "latte_leah",
    "thirdwave_tom",
    "aeropress_ali",
    "coldbrewcarl",
    "espresso_emma",
    "beanbagbrian",
    "nina_drinks_filter",
    "vic_v60",
)
DANISH_AUTHORS = (
    "mette_k",
    "jkhansen",
    "lasse.kaffe",
    "sofie_brygger",
    "frederikmt",
    "kaffe_karen",
    "anders_aarhus",
)


# ---------------------------------------------------------------------------------------------
# Posts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoPost:
    """One demo item, before it is written in a feed's format."""

    uid: str
    title: str
    html: str  # the body as an HTML fragment
    author: str
    link: str
    published: int
    language: str  # "en" or "da"
    topic: str  # praise, complaint, question, idea, competitor, tip, news, decoy, owned, video
    comments: int | None = None
    score: int | None = None


# Topic mixes per feed: what such a place mostly talks about.
MIXES: dict[str, dict[str, float]] = {
    "alerts": {
        "news": 0.4,
        "praise": 0.15,
        "complaint": 0.15,
        "competitor": 0.15,
        "idea": 0.05,
        "tip": 0.1,
    },
    "reddit": {
        "praise": 0.15,
        "complaint": 0.3,
        "question": 0.25,
        "idea": 0.1,
        "competitor": 0.1,
        "tip": 0.1,
    },
    "mastodon": {
        "praise": 0.25,
        "complaint": 0.25,
        "question": 0.15,
        "idea": 0.15,
        "competitor": 0.1,
        "tip": 0.1,
    },
    "hn": {"complaint": 0.3, "question": 0.2, "idea": 0.2, "competitor": 0.15, "tip": 0.15},
}
POOLS: dict[str, Sequence[Template]] = {
    "praise": PRAISE,
    "complaint": OUTAGE + GRINDER + REFUND,
    "question": QUESTION,
    "idea": IDEA,
    "competitor": COMPETITOR,
    "tip": TIP,
    "news": NEWS,
}
DANISH_SHARE = 0.14  # of items on feeds where Danish speakers post: about 10% of the whole demo


def fill(template: str, rng: random.Random) -> str:
    """Fill the ``{slot}``s of one template string."""
    values = {name: rng.choice(options) for name, options in FILLERS.items()}
    values.update(
        n=str(rng.randint(2, 9)),
        weeks=str(rng.randint(2, 12)),
        order=f"#NW-{rng.randint(10000, 99999)}",
    )
    return template.format(**values)


def fill_pair(template: Template, rng: random.Random) -> Template:
    """Fill title and body with the same slot values, so they agree."""
    state = rng.getstate()
    title = fill(template[0], rng)
    rng.setstate(state)
    return title, fill(template[1], rng)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def ages(rng: random.Random, count: int) -> list[int]:
    """Seconds before now, denser recently (the square of a uniform draw leans towards 0)."""
    return sorted(int(60 + (WINDOW - 60) * rng.random() ** 2) for _ in range(count))


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One demo feed: where it is served, what it is called and how many items it starts with."""

    path: str
    name: str
    mix: str  # key of MIXES, or "blog" / "youtube"
    count: int
    render: Callable[[FeedSpec, Sequence[DemoPost], int], str]
    content_type: str
    danish: bool = True  # Danish speakers post here
    owned: bool = False


class DemoFeeds:
    """The demo's posts per feed, able to grow (``add_fresh``) and to render each feed."""

    def __init__(self, now: int, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.serial = 0
        self.seen: dict[str, set[Template]] = {}
        self.posts: dict[str, list[DemoPost]] = {}
        for spec in FEEDS:
            made = [self._post(spec, now - age) for age in ages(self.rng, spec.count)]
            self.posts[spec.path] = made

    def render(self, path: str) -> bytes:
        """The feed at ``path`` (newest first), or the broken source's HTML error page."""
        if path == FAILING_PATH:
            return FAILING_BODY
        spec = SPECS[path]
        posts = sorted(self.posts[path], key=lambda p: (-p.published, p.uid))
        updated = posts[0].published if posts else 0
        return spec.render(spec, posts, updated).encode("utf-8")

    def render_all(self) -> dict[str, bytes]:
        return {path: self.render(path) for path in (*SPECS, FAILING_PATH)}

    def add_fresh(self, now: int, count: int = 2) -> list[str]:
        """Add ``count`` new posts published around ``now``; return the feed paths that changed."""
        lively = [spec for spec in FEEDS if spec.mix in ("mastodon", "reddit", "alerts")]
        changed: list[str] = []
        for _ in range(count):
            spec = self.rng.choice(lively)
            self.posts[spec.path].append(self._post(spec, now - self.rng.randint(0, 30)))
            changed.append(spec.path)
        return sorted(set(changed))

    def _post(self, spec: FeedSpec, published: int) -> DemoPost:
        self.serial += 1
        danish = spec.danish and self.rng.random() < DANISH_SHARE
        seen = self.seen.setdefault(spec.path, set())
        for _ in range(12):  # a few redraws avoid a feed repeating itself word for word
            topic, template = self._pick(spec, danish)
            title, body = fill_pair(template, self.rng)
            if (title, body) not in seen:
                break
        seen.add((title, body))
        if spec.mix == "hn" and topic != "story":  # a comment: titled by the story it is under
            title = fill(self.rng.choice(HN_STORIES)[0], self.rng)
        author = self.rng.choice(DANISH_AUTHORS if danish else AUTHORS)
        if spec.owned:
            author = "Northwind Coffee"
        return DemoPost(
            uid=f"{spec.mix}-{self.serial:05d}",
            title=title,
            html=body,
            author=author,
            link=f"https://{spec.mix}.example/{author}/{self.serial}/{slug(title)}",
            published=published,
            language="da" if danish else "en",
            topic=topic,
            comments=self.rng.randint(0, 40),
            score=self.rng.randint(1, 300),
        )

    def _pick(self, spec: FeedSpec, danish: bool) -> tuple[str, Template]:
        if danish:
            return "danish", self.rng.choice(DANISH)
        if spec.mix == "blog":
            return "owned", self.rng.choice(OWNED_POSTS)
        if spec.mix == "youtube":
            return "video", self.rng.choice(VIDEO)
        if spec.mix == "alerts" and self.rng.random() < 0.04:  # a namesake now and then
            return "decoy", DECOY
        if spec.mix == "hn" and self.rng.random() < 0.25:
            return "story", self.rng.choice(HN_STORIES)
        mix = MIXES[spec.mix]
        topic = self.rng.choices(list(mix), weights=list(mix.values()))[0]
        return topic, self.rng.choice(POOLS[topic])


# ---------------------------------------------------------------------------------------------
# Feed formats
# ---------------------------------------------------------------------------------------------


def rfc822(ts: int) -> str:
    return formatdate(ts, usegmt=True)


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


def text(value: str) -> str:
    """An HTML fragment as the text of an XML element (escaped once, as feeds do)."""
    return escape(value)


def plain(html: str) -> str:
    """A fragment without tags and with the few entities the templates use decoded."""
    stripped = re.sub(r"<[^>]+>", "", html)
    entities = {
        "&#8217;": "\u2019",
        "&mdash;": "\u2014",
        "&quot;": '"',
        "&amp;": "&",
        "&gt;": ">",
        "&lt;": "<",
        "&aring;": "å",
    }
    for entity, char in entities.items():
        stripped = stripped.replace(entity, char)
    return stripped


def bold_brand(html: str) -> str:
    """Google Alerts wraps the words it matched in <b>."""
    return re.sub(r"\b(Northwind)\b", r"<b>\1</b>", html)


def rss(spec: FeedSpec, items: Sequence[str], updated: int, extra_ns: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"{extra_ns}>\n'
        f"<channel>\n<title>{escape(spec.name)}</title>\n"
        f"<link>https://{spec.mix}.example/</link>\n"
        f"<description>{escape(spec.name)} (listenpost demo)</description>\n"
        f"<lastBuildDate>{rfc822(updated)}</lastBuildDate>\n"
        + "".join(items)
        + "</channel>\n</rss>\n"
    )


def atom(spec: FeedSpec, entries: Sequence[str], updated: int, extra_ns: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom"{extra_ns}>\n'
        f"<id>tag:listenpost.demo,2024:{spec.mix}</id>\n<title>{escape(spec.name)}</title>\n"
        f'<link href="https://{spec.mix}.example/" rel="self"/>\n'
        f"<updated>{iso(updated)}</updated>\n" + "".join(entries) + "</feed>\n"
    )


def render_alerts(spec: FeedSpec, posts: Sequence[DemoPost], updated: int) -> str:
    entries = [
        f"<entry>\n<id>tag:google.com,2013:googlealerts/feed:{p.uid}</id>\n"
        f'<title type="html">{text(bold_brand(p.title))}</title>\n'
        f"<link href={quoteattr(alert_link(p))}/>\n"
        f"<published>{iso(p.published)}</published>\n<updated>{iso(p.published)}</updated>\n"
        f'<content type="html">{text(bold_brand(p.html))}</content>\n'
        "<author><name/></author>\n</entry>\n"
        for p in posts
    ]
    return atom(spec, entries, updated)


def alert_link(post: DemoPost) -> str:
    target = f"https://news.example/{post.published}/{slug(post.title)}?utm_source=alerts"
    # Shaped like a real alert's link: a Google redirect that listenpost unwraps at ingest.
    return f"https://www.google.com/url?rct=j&sa=t&url={target}&ct=ga"


def render_blog(spec: FeedSpec, posts: Sequence[DemoPost], updated: int) -> str:
    items = [
        f"<item>\n<title>{escape(p.title)}</title>\n<link>{escape(p.link)}</link>\n"
        f'<guid isPermaLink="false">{p.uid}</guid>\n<pubDate>{rfc822(p.published)}</pubDate>\n'
        f"<dc:creator>{escape(p.author)}</dc:creator>\n"
        f"<description>{text(p.html)}</description>\n"
        f"<slash:comments>{p.comments}</slash:comments>\n</item>\n"
        for p in posts
    ]
    return rss(spec, items, updated, ' xmlns:slash="http://purl.org/rss/1.0/modules/slash/"')


def render_reddit(spec: FeedSpec, posts: Sequence[DemoPost], updated: int) -> str:
    items = [
        f"<item>\n<title>{escape(plain(p.title))}</title>\n<link>{escape(p.link)}</link>\n"
        f'<guid isPermaLink="false">t3_{p.uid}</guid>\n<pubDate>{rfc822(p.published)}</pubDate>\n'
        f"<dc:creator>/u/{escape(p.author)}</dc:creator>\n"
        f"<description>{text(reddit_body(p))}</description>\n</item>\n"
        for p in posts
    ]
    return rss(spec, items, updated)


def reddit_body(post: DemoPost) -> str:
    user = f'<a href="https://reddit.example/user/{post.author}"> /u/{post.author} </a>'
    return (
        f'<!-- SC_OFF --><div class="md"><p>{post.html}</p></div><!-- SC_ON --> '
        f"&#32; submitted by &#32; {user} &#32; to &#32; "
        '<a href="https://reddit.example/r/coffee/"> r/coffee </a>'
    )


def render_mastodon(spec: FeedSpec, posts: Sequence[DemoPost], updated: int) -> str:
    items = [
        f'<item>\n<guid isPermaLink="true">{escape(p.link)}</guid>\n<link>{escape(p.link)}</link>\n'
        f"<pubDate>{rfc822(p.published)}</pubDate>\n<dc:creator>{escape(p.author)}</dc:creator>\n"
        f"<description>{text(toot(p))}</description>\n</item>\n"
        for p in posts
    ]
    return rss(spec, items, updated)


def toot(post: DemoPost) -> str:
    tags = ["northwindcoffee", "kaffe" if post.language == "da" else "coffee"]
    if post.topic in ("complaint", "question"):
        tags.insert(0, "help")
    links = " ".join(
        f'<a href="https://mastodon.example/tags/{t}" class="mention hashtag" rel="tag">'
        f"#<span>{t}</span></a>"
        for t in tags
    )
    return f"<p>{post.html}</p><p>{links}</p>"


def render_youtube(spec: FeedSpec, posts: Sequence[DemoPost], updated: int) -> str:
    entries = [youtube_entry(p) for p in posts]
    ns = (
        ' xmlns:yt="http://www.youtube.com/xml/schemas/2015"'
        ' xmlns:media="http://search.yahoo.com/mrss/"'
    )
    return atom(spec, entries, updated, ns)


def youtube_entry(p: DemoPost) -> str:
    video = base64.urlsafe_b64encode(hashlib.sha256(p.uid.encode()).digest()).decode()[:11]
    link = f"https://video.example/watch?v={video}"
    title = escape(plain(p.title))
    return (
        f"<entry>\n<id>yt:video:{video}</id>\n<yt:videoId>{video}</yt:videoId>\n"
        f"<yt:channelId>UC{slug(p.author).replace('-', '')[:20]}</yt:channelId>\n"
        f'<title>{title}</title>\n<link rel="alternate" href="{link}"/>\n'
        f"<author><name>{escape(p.author)}</name>"
        f"<uri>https://video.example/@{escape(p.author)}</uri></author>\n"
        f"<published>{iso(p.published)}</published>\n<updated>{iso(p.published)}</updated>\n"
        f"<media:group><media:title>{title}</media:title>\n"
        f"<media:description>{escape(plain(p.html))}</media:description>\n"
        f'<media:community><media:starRating count="{p.score}" average="4.6" min="1" max="5"/>'
        f'<media:statistics views="{(p.score or 0) * 37}"/></media:community>'
        "</media:group>\n</entry>\n"
    )


def render_hn(spec: FeedSpec, posts: Sequence[DemoPost], updated: int) -> str:
    items = [hn_item(p) for p in posts]
    return rss(spec, items, updated)


def hn_item(p: DemoPost) -> str:
    item_url = f"https://news.example/item?id={40_000_000 + int(p.uid.rsplit('-', 1)[1])}"
    if p.topic == "story":
        title = p.title
        body = (
            f'<p>{p.html}</p><hr><p>Comments URL: <a href="{item_url}">{item_url}</a></p>'
            f"<p>Points: {p.score}</p><p># Comments: {p.comments}</p>"
        )
    else:
        title = f'New comment by {p.author} in "{plain(p.title)}"'
        body = f"<p>{p.html}</p>"
    return (
        f"<item>\n<title>{escape(plain(title))}</title>\n<link>{item_url}</link>\n"
        f'<guid isPermaLink="false">{item_url}</guid>\n<pubDate>{rfc822(p.published)}</pubDate>\n'
        f"<dc:creator>{escape(p.author)}</dc:creator>\n<comments>{item_url}</comments>\n"
        f"<description>{text(body)}</description>\n</item>\n"
    )


ATOM_TYPE = "application/atom+xml; charset=utf-8"
RSS_TYPE = "application/rss+xml; charset=utf-8"
FEEDS: tuple[FeedSpec, ...] = (
    FeedSpec(
        "/alerts/northwind.atom",
        "Google Alert - Northwind Coffee",
        "alerts",
        55,
        render_alerts,
        ATOM_TYPE,
    ),
    FeedSpec(
        "/journal/rss.xml",
        "Northwind journal",
        "blog",
        10,
        render_blog,
        RSS_TYPE,
        danish=False,
        owned=True,
    ),
    FeedSpec("/reddit/search.rss", "Reddit: northwind", "reddit", 72, render_reddit, RSS_TYPE),
    FeedSpec(
        "/mastodon/tags/northwindcoffee.rss",
        "Mastodon #northwindcoffee",
        "mastodon",
        88,
        render_mastodon,
        RSS_TYPE,
    ),
    FeedSpec(
        "/youtube/videos.xml",
        "YouTube: Burr Mill reviews",
        "youtube",
        24,
        render_youtube,
        ATOM_TYPE,
    ),
    FeedSpec(
        "/hnrss/newest.rss", "Hacker News: Northwind", "hn", 50, render_hn, RSS_TYPE, danish=False
    ),
)
SPECS: dict[str, FeedSpec] = {spec.path: spec for spec in FEEDS}
FAILING_BODY = (
    b"<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n"
    b"<body><h1>Internal Server Error</h1><p>The forum is being upgraded. "
    b"Please try again later.</p></body></html>\n"
)


def build_demo_feeds(now: int, seed: int = 7) -> dict[str, bytes]:
    """Every demo feed by path, plus ``FAILING_PATH`` (an HTML error page, served as a 500)."""
    return DemoFeeds(now, seed).render_all()


def content_type(path: str) -> str:
    """The Content-Type the demo server sends for ``path``."""
    spec = SPECS.get(path)
    return spec.content_type if spec else "text/html; charset=utf-8"


# ---------------------------------------------------------------------------------------------
# The config that listens to the demo
# ---------------------------------------------------------------------------------------------

DEMO_CONFIG_HEAD = """\
# The listenpost demo: a fictional brand, served from inside this process on loopback.
[brand]
name = "Northwind Coffee"
queries = ['(Northwind OR #northwindcoffee) -"Northwind Traders"']

[[brand.products]]
name = "Burr Mill"
queries = ['"Burr Mill"']

[[brand.products]]
name = "Roast Club"
queries = ['"Roast Club"']

[[brand.products]]
name = "Northwind app"
queries = ['"Northwind app" OR Northwind-appen']

[[competitors]]
name = "Copperpot Roasters"
queries = ['Copperpot']

[[competitors]]
name = "Beanwise"
queries = ['Beanwise']

[network]
allow_private_addresses = true  # the demo server is on 127.0.0.1
timeout = 10

[team]
me = "ana"

[[team.members]]
name = "Ana Lund"
handle = "ana"

[[team.members]]
name = "Jonas Berg"
handle = "jonas"

[[team.members]]
name = "Priya Shah"
handle = "priya"

[routing]
complaint = "support"
question = "support"
idea = "product"
praise = "marketing"
competitor = "sales"

[templates]
thanks = "Thank you, that made our day! We have passed it on to the roasters."
sorry = "Sorry about that. Could you send your order number to support@northwind.example?"

[outcomes]
lead = 120
ticket_deflected = 15
"""


def demo_config_text(base_url: str) -> str:
    """A config (TOML) listening to the demo feeds served at ``base_url``."""
    base = base_url.rstrip("/")
    blocks = [_source_block(spec.name, base + spec.path, spec.owned) for spec in FEEDS]
    blocks.append(_source_block(FAILING_SOURCE, base + FAILING_PATH, False))
    return DEMO_CONFIG_HEAD + "".join(blocks)


def _source_block(name: str, url: str, owned: bool) -> str:
    flags = "owned = true\nmatch_all = true\n" if owned else ""
    return f'\n[[sources]]\nkind = "feed"\nname = "{name}"\nurl = "{url}"\ninterval = "1m"\n{flags}'
