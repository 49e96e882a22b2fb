"""The theme lexicon and classifier: a table of real-world cases and traps, then the API."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui.model import Classification
from tui.themes import Lexicon, LexiconError, load_lexicon

THEME_IDS = [
    "open-models",
    "us-china",
    "chips",
    "compute",
    "governance",
    "safety",
    "sovereignty",
    "markets",
    "information-control",
    "talent-research",
    "defense",
]
SHARED_SEEDS = Path(__file__).parents[2].parent / "shared" / "seeds"
REPO = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return load_lexicon()


@dataclass(frozen=True)
class Case:
    """One classification expectation. `trap` cases assert that something is NOT found."""

    name: str
    title: str
    text: str
    themes: tuple[str, ...] = ()  # must all be present
    absent: tuple[str, ...] = ()  # must all be missing
    no_themes: bool = False  # no theme at all
    actors: tuple[str, ...] = ()  # must all be named
    not_actors: tuple[str, ...] = ()  # must not be named
    trap: bool = False


POSITIVES = [
    Case(
        "llama-4-open-weights",
        "Meta releases Llama 4 as open-weight models, but licence limits remain",
        "Meta Platforms on Saturday released Llama 4 Scout and Maverick as open-weight "
        "models that developers can download from Hugging Face. Critics note the licence "
        "bars companies with more than 700 million users, falling short of the Open Source "
        "Initiative's definition of open source AI.",
        themes=("open-models",),
        actors=("Meta", "Hugging Face"),
    ),
    Case(
        "openai-wrong-side-of-history",
        "OpenAI to release its first open-weight model since GPT-2",
        "Sam Altman said the company had been 'on the wrong side of history' on open "
        "source and that a new reasoning model would ship with downloadable weights under "
        "an Apache 2.0 license, a shift from the proprietary API strategy behind ChatGPT.",
        themes=("open-models",),
        actors=("OpenAI", "Sam Altman"),
    ),
    Case(
        "sputnik-moment",
        "DeepSeek is a Sputnik moment for American AI, Andreessen says",
        "Venture capitalist Marc Andreessen called the Chinese startup's R1 model AI's "
        "Sputnik moment, as Washington debated whether the US still leads China in the AI "
        "race. Lawmakers urged the White House to answer the challenge from Beijing.",
        themes=("us-china",),
        actors=("DeepSeek", "United States", "China"),
    ),
    Case(
        "beijing-retaliation",
        "Beijing vows countermeasures after new US curbs on AI firms",
        "China's commerce ministry said it would retaliate against the entity list "
        "additions, calling them an attempt at technological containment. Analysts at "
        "CSET say the decoupling of the US and Chinese AI ecosystems is accelerating as "
        "great power competition intensifies.",
        themes=("us-china",),
        actors=("China", "United States"),
    ),
    Case(
        "h20-export-controls",
        "US tightens export controls on Nvidia H20 chips to China",
        "The Commerce Department's Bureau of Industry and Security told Nvidia it would "
        "need a licence to ship its H20 AI chips to China, a move that could cost the "
        "company $5.5bn. Huawei's Ascend 910C, made by SMIC, is the main domestic "
        "alternative for training large language models.",
        themes=("chips",),
        actors=("Nvidia", "China", "Huawei", "SMIC", "United States"),
    ),
    Case(
        "chip-smuggling",
        "Chip smuggling undermines export controls, report finds",
        "Thousands of advanced Nvidia GPUs, including H100s, have been smuggled into China "
        "through shell companies in Singapore and Malaysia, according to a CSET analysis. "
        "Enforcement of the AI chip rules lags behind demand from Chinese AI labs.",
        themes=("chips",),
        actors=("Nvidia", "China", "Singapore"),
    ),
    Case(
        "chips-act-tsmc",
        "Commerce finalises $6.6bn CHIPS Act award for TSMC Arizona",
        "Commerce Secretary Gina Raimondo said the grant would bring leading-edge "
        "semiconductor manufacturing to the United States, including 2nm fabs making the "
        "AI chips Nvidia designs. Her successor Howard Lutnick has questioned the deals.",
        themes=("chips",),
        actors=("TSMC", "Gina Raimondo", "Howard Lutnick", "United States"),
    ),
    Case(
        "stargate",
        "OpenAI, SoftBank and Oracle unveil $500bn Stargate data centre venture",
        "The Stargate Project will build AI infrastructure across Texas, starting with a "
        "campus in Abilene drawing more than a gigawatt of power for Nvidia GPU clusters, "
        "the companies said at the White House.",
        themes=("compute",),
        actors=("OpenAI", "SoftBank", "Oracle"),
    ),
    Case(
        "data-centre-power",
        "AI data centres could use 9% of US electricity by 2030",
        "Electricity demand from data centers is outpacing the power grid, EPRI says, as "
        "hyperscalers sign deals for nuclear power and small modular reactors to run "
        "training runs for ever larger AI models.",
        themes=("compute",),
    ),
    Case(
        "ai-act-code-of-practice",
        "EU AI Act: Commission publishes code of practice for general-purpose AI",
        "The European Commission's AI Office said providers of GPAI models will have to "
        "document training data and respect copyright under the AI Act, with obligations "
        "applying from August 2025. Henna Virkkunen called the rules proportionate.",
        themes=("governance",),
        actors=("European Union", "Henna Virkkunen"),
    ),
    Case(
        "paris-summit",
        "Paris AI Action Summit ends with a declaration the US and UK refused to sign",
        "After Bletchley and Seoul, the third summit was meant to broaden AI governance. "
        "JD Vance warned Europe against excessive regulation of artificial intelligence, "
        "while Emmanuel Macron announced €109bn of investment.",
        themes=("governance",),
        actors=("France", "JD Vance", "Emmanuel Macron", "United States", "United Kingdom"),
    ),
    Case(
        "executive-order",
        "Trump revokes Biden's executive order on artificial intelligence",
        "President Donald Trump rescinded the 2023 executive order that required "
        "developers of powerful AI models to share safety test results, and ordered an AI "
        "Action Plan within 180 days to reduce regulation.",
        themes=("governance",),
        actors=("Donald Trump", "Joe Biden"),
    ),
    Case(
        "aisi-evaluations",
        "UK AI Security Institute publishes evaluations of frontier models",
        "The institute red-teamed five large language models for dangerous capabilities "
        "in cyber and biological weapons, finding all of them vulnerable to simple "
        "jailbreaks. Its alignment team is hiring.",
        themes=("safety",),
        actors=("United Kingdom",),
    ),
    Case(
        "anthropic-asl3",
        "Anthropic activates ASL-3 safeguards for Claude Opus 4",
        "Anthropic said its responsible scaling policy required stronger protections "
        "against CBRN misuse after internal evaluations. Dario Amodei has warned of "
        "catastrophic risk from frontier AI.",
        themes=("safety",),
        actors=("Anthropic", "Dario Amodei"),
    ),
    Case(
        "indiaai-mission",
        "India bets on sovereign AI with IndiaAI Mission GPU subsidies",
        "New Delhi will subsidise compute for startups building homegrown foundation "
        "models for Indic languages, with Sarvam AI selected first. Narendra Modi framed "
        "it as self-reliance for the Global South.",
        themes=("sovereignty",),
        actors=("India", "Sarvam AI", "Narendra Modi"),
    ),
    Case(
        "eu-gigafactories",
        "Europe's AI gigafactories: a bid for digital sovereignty",
        "Ursula von der Leyen's InvestAI plan promises €200bn, including four AI "
        "gigafactories, as the EU seeks strategic autonomy from American cloud providers. "
        "Mistral AI's Arthur Mensch backs the push for European champions.",
        themes=("sovereignty", "compute"),
        actors=("Ursula von der Leyen", "Mistral AI", "Arthur Mensch", "European Union"),
    ),
    Case(
        "falcon-gulf",
        "Abu Dhabi's TII releases Falcon 3 open-source LLM family",
        "The Technology Innovation Institute said the Falcon models, free to download, "
        "show the Gulf can build sovereign AI rather than rely on US labs. G42 is expanding "
        "its data centres in the UAE.",
        themes=("sovereignty", "open-models"),
        actors=("TII/Falcon", "United Arab Emirates", "G42"),
    ),
    Case(
        "nvidia-selloff",
        "Nvidia loses $589bn in market value as DeepSeek triggers AI sell-off",
        "Shares of Nvidia plunged 17% on Monday, the biggest one-day loss of market value "
        "in Wall Street history, as investors feared cheap Chinese AI models would curb "
        "spending on chips. The Nasdaq fell 3%.",
        themes=("markets",),
        actors=("Nvidia", "DeepSeek"),
    ),
    Case(
        "mistral-funding",
        "Mistral AI raises €1.7bn in a funding round led by ASML",
        "The Series C values the Paris-based maker of Le Chat at €11.7bn, making it "
        "Europe's most valuable AI startup. Existing investors including venture capital "
        "firms joined the round.",
        themes=("markets",),
        actors=("Mistral AI", "ASML"),
    ),
    Case(
        "price-war",
        "DeepSeek price cuts spark price war among Chinese AI model providers",
        "Alibaba, Baidu and ByteDance cut API prices for their large language models by up "
        "to 97%, with Qwen, Ernie Bot and Doubao now nearly free for developers.",
        themes=("markets",),
        actors=("Alibaba/Qwen", "Baidu", "ByteDance", "DeepSeek"),
    ),
    Case(
        "tiananmen-censorship",
        "DeepSeek chatbot censors questions on Tiananmen, tests show",
        "The app refuses politically sensitive prompts in line with core socialist values "
        "required by the Cyberspace Administration of China, and stores user data on "
        "servers in China, raising privacy concerns.",
        themes=("information-control",),
        actors=("DeepSeek", "China"),
    ),
    Case(
        "garante-block",
        "Italy's privacy watchdog blocks DeepSeek over data protection",
        "The Garante said the Chinese AI company had not explained what personal data it "
        "collects or whether it is stored in China, in breach of the GDPR, echoing the "
        "TikTok debate.",
        themes=("information-control",),
        actors=("Italy", "DeepSeek"),
    ),
    Case(
        "brain-drain",
        "Most top AI researchers in US labs were trained in China, study finds",
        "MacroPolo's talent tracker shows a third of NeurIPS authors did their "
        "undergraduate degrees in China before a PhD in the United States; tighter H-1B "
        "visas could reverse the brain drain.",
        themes=("talent-research",),
        actors=("China", "United States"),
    ),
    Case(
        "meta-poaching",
        "Meta poaches OpenAI researchers with $100m pay packages",
        "Mark Zuckerberg is personally recruiting AI researchers for a new superintelligence "
        "lab, as the talent war between labs drives up pay for top engineers.",
        themes=("talent-research",),
        actors=("Meta", "OpenAI", "Mark Zuckerberg"),
    ),
    Case(
        "cdao-contracts",
        "Pentagon awards $200m AI contracts to Anthropic, Google, OpenAI and xAI",
        "The Chief Digital and AI Office said the frontier AI deals will bring agentic "
        "workflows to warfighting and intelligence missions, its largest defense contracts "
        "for generative AI so far.",
        themes=("defense",),
        actors=("United States", "Anthropic", "Google", "OpenAI", "xAI"),
    ),
    Case(
        "ukraine-drones",
        "Ukraine's AI-guided drones reshape the battlefield",
        "Both armies now field drones that use machine learning for terminal targeting, "
        "raising fears of autonomous weapons as Russia copies the technology.",
        themes=("defense",),
        actors=("Ukraine", "Russia"),
    ),
    Case(
        "pla-llama",
        "PLA researchers used Meta's Llama to build a military AI tool",
        "Papers show scientists linked to the People's Liberation Army fine-tuned the "
        "open-source model for intelligence analysis, prompting Meta to say use by the "
        "military violates its licence.",
        themes=("defense", "open-models"),
        actors=("Meta", "China"),
    ),
    Case(
        "apple-intelligence-china",
        "Apple Intelligence delayed in China over AI rules",
        "Apple must partner with a local company such as Alibaba to offer its AI features "
        "on iPhones in China, where generative AI models need approval from regulators.",
        themes=("governance",),
        actors=("Apple", "Alibaba/Qwen", "China"),
    ),
]

TRAPS = [
    Case(
        "bitcoin-investment",
        "Bitcoin tops $120,000 as investors pour money into crypto funds",
        "Investment in spot bitcoin ETFs hit a record, lifting the market value of all "
        "cryptocurrencies to $3.8 trillion. Shares of Coinbase rallied 6% and analysts "
        "expect the stock market rally to continue.",
        no_themes=True,
        trap=True,
    ),
    Case(
        "bitcoin-one-ai-mention",
        "Bitcoin investors shrug off rate fears",
        "The rally lifted bitcoin's market cap as investors piled into crypto funds; some "
        "desks now use AI to time trades, but most still follow the Fed.",
        no_themes=True,
        trap=True,
    ),
    Case(
        "fish-and-chip-shop",
        "Seaside fish and chip shop named the best in Britain",
        "The family-run chippy serves battered cod with chips cooked in beef dripping; "
        "judges praised the crisp chips and the mushy peas.",
        no_themes=True,
        absent=("chips",),
        trap=True,
    ),
    Case(
        "ai-potato-chips",
        "Snack maker uses AI to invent new potato chip flavours",
        "Frito-Lay said generative AI and machine learning helped it test thousands of "
        "flavour combinations for its potato chips and tortilla chips before launch.",
        absent=("chips",),
        trap=True,
    ),
    Case(
        "mistral-wind",
        "Mistral wind fans wildfires across Provence",
        "The mistral, a cold northerly wind funnelled down the Rhone valley, brought gusts "
        "of 90km/h, and firefighters expect it to blow for three more days.",
        no_themes=True,
        not_actors=("Mistral AI",),
        trap=True,
    ),
    Case(
        "falcon-9",
        "SpaceX Falcon 9 launches 24 Starlink satellites",
        "A Falcon 9 rocket lifted off from Cape Canaveral on Tuesday and its booster landed "
        "on a drone ship, the company's 100th launch this year.",
        no_themes=True,
        not_actors=("TII/Falcon",),
        trap=True,
    ),
    Case(
        "falcon-bird",
        "Peregrine falcon chicks hatch on cathedral tower",
        "Volunteers watching the nest camera said the falcon pair raised four chicks; the "
        "falcon is the fastest bird on earth.",
        no_themes=True,
        not_actors=("TII/Falcon",),
        trap=True,
    ),
    Case(
        "gemini-horoscope",
        "Gemini horoscope today: a good day for new beginnings",
        "Gemini, ruled by Mercury, your zodiac sign favours conversation. Twins at heart, "
        "you may find love and a career opportunity before the new moon.",
        no_themes=True,
        not_actors=("Google DeepMind", "Google"),
        trap=True,
    ),
    Case(
        "gemini-nasa",
        "NASA marks 60 years since the Gemini 4 spacewalk",
        "Ed White floated outside the Gemini capsule for 23 minutes; the Gemini program "
        "paved the way for Apollo.",
        no_themes=True,
        not_actors=("Google DeepMind",),
        trap=True,
    ),
    Case(
        "hotel-street-food",
        "China's luxury hotels sell street food to survive",
        "The five-star Zhongwu Hotel in Changzhou launched budget meal boxes as occupancy "
        "fell; managers set up WeChat groups to share menus, and the boxes sell out within "
        "five minutes.",
        no_themes=True,
        trap=True,
    ),
    Case(
        "linux-open-source",
        "Linux 6.9 released with new open-source GPU drivers",
        "Linus Torvalds said the open source kernel now ships free drivers under the GPL "
        "licence, replacing proprietary blobs; contributors on GitHub fixed 400 bugs.",
        no_themes=True,
        absent=("open-models",),
        trap=True,
    ),
    Case(
        "apple-harvest",
        "Apple harvest in Kent hit by late frost",
        "Apple growers say the Bramley crop is down by a third; orchards lost blossom in "
        "April and cider makers expect higher prices.",
        no_themes=True,
        not_actors=("Apple",),
        trap=True,
    ),
    Case(
        "amazon-rainforest",
        "Amazon rainforest deforestation falls by a third",
        "Brazil's space agency said forest loss in the Amazon fell to a nine-year low; "
        "indigenous groups credited enforcement along the Amazon River.",
        no_themes=True,
        not_actors=("Amazon",),
        trap=True,
    ),
    Case(
        "amazon-rainforest-ml",
        "Satellites and machine learning track deforestation in the Amazon",
        "Researchers trained machine learning models on satellite images of the Amazon "
        "rainforest to flag illegal logging in near real time across the basin.",
        not_actors=("Amazon",),
        absent=("markets", "compute"),
        trap=True,
    ),
    Case(
        "soybeans",
        "China resumes US soybean purchases after trade truce",
        "Beijing bought 1.2 million tonnes of soybeans as Washington and Beijing paused the "
        "trade war; farmers hit by retaliation and tariffs welcomed the rivalry's thaw.",
        no_themes=True,
        absent=("us-china",),
        trap=True,
    ),
    Case(
        "car-safety",
        "Volvo EX30 earns five-star safety rating in crash tests",
        "Euro NCAP praised the car's safety features, including airbags and emergency "
        "braking, which cut the risk of serious injury in collisions.",
        no_themes=True,
        absent=("safety",),
        trap=True,
    ),
    Case(
        "fashion-model",
        "Model walks the runway at Paris Fashion Week",
        "The 19-year-old model opened the Chanel show; the designer said the collection "
        "was inspired by open skies and the model's own style.",
        no_themes=True,
        trap=True,
    ),
    Case(
        "arms-export-controls",
        "Germany tightens export controls on arms to Saudi Arabia",
        "The government will deny export licences for tanks and weapons; the Bundestag "
        "debated the export restrictions after the Yemen war.",
        no_themes=True,
        absent=("chips",),
        trap=True,
    ),
    Case(
        "claude-monet-auction",
        "Claude Monet's water lilies fetch $65m at auction",
        "The impressionist painter's canvas sold at Christie's after a ten-minute bidding "
        "battle; Monet painted the series at Giverny.",
        no_themes=True,
        not_actors=("Anthropic",),
        trap=True,
    ),
    Case(
        "claude-monet-ai-art",
        "Can AI paint like Claude Monet? A museum tests image generators",
        "Curators asked generative AI tools such as Midjourney to imitate the impressionist "
        "painter; visitors preferred the real Monet.",
        not_actors=("Anthropic",),
        trap=True,
    ),
    Case(
        "meta-analysis",
        "Meta-analysis finds Mediterranean diet cuts heart risk",
        "The meta-analysis of 40 trials found a 25% lower risk of heart attack among "
        "people eating olive oil and fish.",
        no_themes=True,
        not_actors=("Meta",),
        trap=True,
    ),
    Case(
        "llama-farm",
        "Llama farm opens to visitors in Cumbria",
        "Visitors can trek with llamas and alpacas; the farmer shears the llama herd for "
        "wool each spring.",
        no_themes=True,
        not_actors=("Meta",),
        trap=True,
    ),
    Case(
        "ai-weiwei",
        "Ai Weiwei opens retrospective in London",
        "The Chinese artist Ai Weiwei showed works about censorship and surveillance; Ai "
        "said Beijing still watches him.",
        no_themes=True,
        trap=True,
    ),
    Case(
        "kimi-raikkonen",
        "Kimi Räikkönen returns to the Ferrari garage",
        "The 2007 Formula 1 champion Kimi Räikkönen watched the Grand Prix with the team.",
        no_themes=True,
        not_actors=("Moonshot AI",),
        trap=True,
    ),
    Case(
        "ascend-k2",
        "Climbers ascend K2 in record time",
        "The team reached the summit before noon; the climbers ascend without oxygen.",
        no_themes=True,
        trap=True,
    ),
    Case(
        "washington-state",
        "Washington State wildfire forces evacuations near Spokane",
        "Crews from the University of Washington and the Washington Post reported smoke.",
        no_themes=True,
        not_actors=("United States",),
        trap=True,
    ),
    Case(
        "us-pronoun",
        "Tell us how you use chatbots at work",
        "Readers told us that ChatGPT helps them write emails; let us know how AI "
        "assistants changed your job.",
        not_actors=("United States",),
        trap=True,
    ),
    Case(
        "blue-chip-ai-rally",
        "Blue-chip stocks rally as AI optimism returns",
        "Blue chips led the Dow higher as investors bet on artificial intelligence demand; "
        "shares of Microsoft rose 3%.",
        themes=("markets",),
        absent=("chips",),
        trap=True,
    ),
    Case(
        "gemini-horoscope-by-ai",
        "Astrologers now use AI chatbots to write your Gemini horoscope",
        "This week's Gemini horoscope was drafted by a large language model: the zodiac "
        "sign of the twins should expect news from a sibling.",
        not_actors=("Google DeepMind",),
        trap=True,
    ),
    Case(
        "falcon-9-xai",
        "SpaceX Falcon 9 launch carries payload for Musk's AI venture",
        "The Falcon 9 rocket launched from Vandenberg; xAI's Grok chatbot streamed the "
        "launch, Elon Musk said.",
        actors=("xAI", "Elon Musk"),
        not_actors=("TII/Falcon",),
        trap=True,
    ),
    Case(
        "mistral-wind-ai-forecast",
        "DeepMind's AI weather model forecast the mistral three days early",
        "Google DeepMind's machine learning forecaster predicted the mistral wind and its "
        "gusts over Provence better than physics-based models.",
        actors=("Google DeepMind",),
        not_actors=("Mistral AI",),
        trap=True,
    ),
    Case(
        "apple-picking-robots",
        "AI-powered robots pick apples in Washington State orchards",
        "Apple growers in the Yakima valley use computer vision and machine learning to "
        "spot ripe fruit; the robots pick an apple every three seconds.",
        not_actors=("Apple", "United States"),
        trap=True,
    ),
    Case(
        "llama-herd-cameras",
        "Farmers use AI cameras to watch over llama herds",
        "The machine learning system alerts the farmer when a llama or alpaca in the herd "
        "stops grazing in the pasture.",
        not_actors=("Meta",),
        absent=("open-models",),
        trap=True,
    ),
    Case(
        "ai-finds-oss-bugs",
        "AI tool finds 26 bugs in open source software projects",
        "Google's machine learning fuzzer found flaws in open source software such as "
        "OpenSSL; maintainers patched the open source libraries within a week.",
        absent=("open-models",),
        trap=True,
    ),
    Case(
        "arms-export-controls-ai-drones",
        "Germany tightens arms export controls on AI-enabled drones",
        "The new arms export controls cover drones with artificial intelligence targeting; "
        "weapons makers need a licence for exports to the Gulf.",
        themes=("defense",),
        absent=("chips",),
        trap=True,
    ),
    Case(
        "car-crash-test-ai",
        "Tesla's AI driver assistance earns top safety rating in crash tests",
        "Euro NCAP gave the car five stars for vehicle safety; its AI-based emergency "
        "braking and machine learning lane assist cut the risk of collisions.",
        absent=("safety",),
        trap=True,
    ),
    Case(
        "ai-fashion-models",
        "H&M's AI-generated fashion models replace human models in ads",
        "The retailer's generative AI 'digital twins' of each fashion model drew criticism "
        "from the model agencies.",
        absent=("open-models",),
        trap=True,
    ),
    Case(
        "stargate-tv",
        "Stargate SG-1 reboot in the works",
        "The science fiction series about a wormhole portal returns with a new cast.",
        no_themes=True,
        trap=True,
    ),
    Case(
        "sputnik-agency",
        "Sputnik news agency reports Moscow talks",
        "The Russian state outlet said officials met in Moscow to discuss energy exports.",
        no_themes=True,
        trap=True,
    ),
]

CASES = POSITIVES + TRAPS


def test_the_table_is_big_and_mostly_traps() -> None:
    assert len(CASES) >= 40
    assert sum(c.trap for c in CASES) * 2 >= len(CASES)
    covered = {t for c in POSITIVES for t in c.themes}
    assert covered == set(THEME_IDS), set(THEME_IDS) - covered
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(lex: Lexicon, case: Case) -> None:
    result = lex.classify(case.title, case.text)
    got = result.theme_ids()
    why = f"themes={got} actors={list(result.actors)}"
    for theme in case.themes:
        assert theme in got, why
    for theme in case.absent:
        assert theme not in got, why
    if case.no_themes:
        assert got == [], why
    for actor in case.actors:
        assert actor in result.actors, why
    for actor in case.not_actors:
        assert actor not in result.actors, why


# --- actors ------------------------------------------------------------------------------


def test_aliases_resolve_to_canonical_actors(lex: Lexicon) -> None:
    result = lex.classify(
        "PRC condemns US chip curbs",
        "The PRC foreign ministry said Beijing would respond. Jensen Huang said the H800 "
        "export rules hurt Nvidia, which designed the chip for China.",
    )
    assert result.actors[0] == "China"  # PRC + Beijing + China: most mentioned first
    assert {"China", "United States", "Jensen Huang", "Nvidia"} <= set(result.actors)
    assert len(result.actors) == len(set(result.actors))
    assert not {"PRC", "Beijing", "H800", "Huang"} & set(result.actors)


def test_h800_is_a_chips_signal_not_an_actor(lex: Lexicon) -> None:
    result = lex.classify("DeepSeek trained R1 on H800s", "The H800 model trained on H800 GPUs.")
    assert "chips" in result.theme_ids()
    assert "H800" not in lex.actor_names
    assert all("800" not in a for a in result.actors)


def test_us_needs_its_capitals(lex: Lexicon) -> None:
    upper = lex.classify("", "US officials met AI labs. The U.S. Senate held AI hearings.")
    lower = lex.classify("", "Join us to discuss AI with us and our AI guests.")
    assert "United States" in upper.actors
    assert "United States" not in lower.actors


def test_mistral_ai_is_recognised_with_context(lex: Lexicon) -> None:
    result = lex.classify(
        "Mistral releases Magistral, Europe's first reasoning LLM",
        "The Paris AI startup said Mistral's new model is open weights.",
    )
    assert "Mistral AI" in result.actors
    assert "open-models" in result.theme_ids()


def test_actor_names_cover_the_brief(lex: Lexicon) -> None:
    wanted = {
        "United States", "China", "European Union", "France", "United Kingdom", "Germany",
        "India", "United Arab Emirates", "Japan", "South Korea", "Taiwan", "Russia",
        "OpenAI", "DeepSeek", "Mistral AI", "Alibaba/Qwen", "Meta", "Google DeepMind",
        "Anthropic", "Microsoft", "Nvidia", "Huawei", "TII/Falcon", "Krutrim", "kyutai",
        "Stability AI", "Black Forest Labs", "Hugging Face", "xAI", "TSMC", "ASML", "SMIC",
        "Samsung", "Baidu", "Tencent", "ByteDance", "Moonshot AI", "Zhipu AI", "Amazon",
        "Apple", "Intel", "AMD", "Cohere", "G42", "Sakana AI",
        "Sam Altman", "Jensen Huang", "Yann LeCun", "Arthur Mensch", "Liang Wenfeng",
        "Xi Jinping", "Donald Trump", "Joe Biden", "Ursula von der Leyen", "Emmanuel Macron",
        "Elon Musk", "Dario Amodei", "Demis Hassabis", "Mustafa Suleyman", "Satya Nadella",
        "Gina Raimondo", "Howard Lutnick", "Narendra Modi",
    }  # fmt: skip
    assert wanted <= set(lex.actor_names), wanted - set(lex.actor_names)


def test_north_korea_is_not_also_south_korea(lex: Lexicon) -> None:
    result = lex.classify("North Korea hackers use AI", "North Korean hackers used ChatGPT.")
    assert "North Korea" in result.actors
    assert "South Korea" not in result.actors


def test_cjk_terms_match_as_substrings(lex: Lexicon) -> None:
    result = lex.classify("深度求索发布新的大模型", "华为 芯片")
    assert "DeepSeek" in result.actors
    assert "Huawei" in result.actors


# --- scoring -----------------------------------------------------------------------------

BODY = (
    "Officials discussed artificial intelligence with several AI labs this week. "
    "The meeting covered hiring plans and office space."
)


def _score(result: Classification, theme: str) -> float:
    return next((t.score for t in result.themes if t.id == theme), 0.0)


def test_title_counts_more_than_body(lex: Lexicon) -> None:
    in_title = lex.classify("New export controls on AI chips", BODY)
    in_body = lex.classify("Officials meet", BODY + " New export controls on AI chips.")
    assert _score(in_title, "chips") > _score(in_body, "chips") > 0


def test_repetition_saturates(lex: Lexicon) -> None:
    hit, filler = " Semiconductor policy was discussed.", " Parks policy was discussed."
    once = lex.classify("", BODY + hit)
    few = lex.classify("", BODY + hit * 5 + filler * 195)
    many = lex.classify("", BODY + hit * 200)  # same length as `few`
    assert 0 < _score(once, "chips") < _score(few, "chips")
    assert _score(many, "chips") - _score(few, "chips") < 0.1


def test_long_text_is_not_automatically_high(lex: Lexicon) -> None:
    short = BODY + " Export controls on AI chips tightened."
    filler = " The committee also reviewed the budget for parks and libraries." * 150
    padded = lex.classify("", short + filler)
    assert _score(padded, "chips") < _score(lex.classify("", short), "chips")


def test_scores_are_rounded_sorted_and_in_range(lex: Lexicon) -> None:
    result = lex.classify(CASES[4].title, CASES[4].text)
    scores = [t.score for t in result.themes]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 and round(s, 3) == s for s in scores)
    assert all(t.origin == "rule" for t in result.themes)


def test_no_ai_context_no_theme(lex: Lexicon) -> None:
    text = "Tariffs on steel and soybeans; the trade war hits farmers and carmakers."
    assert lex.classify("Trade policy", text).themes == ()
    assert lex.classify("AI and trade policy", "").themes == ()


def test_chip_vocabulary_is_ai_context(lex: Lexicon) -> None:
    # issue 13: export-control and chip stories are in scope without the word "AI"
    text = "Export controls on chips and semiconductors; TSMC and ASML; CHIPS Act funds fabs."
    assert lex.classify("Semiconductor policy", text).theme_ids()[0] == "chips"
    assert lex.classify("AI semiconductor policy", text).theme_ids()[0] == "chips"


def test_ai_must_be_capitalised(lex: Lexicon) -> None:
    # "Ai" as a name or "ai" in other languages is not artificial intelligence
    text = "Ai Fujiwara sang ai ai ai about the markets and the summit regulation."
    assert lex.classify("Ai ai ai", text).themes == ()
    assert lex.classify("AI", text).theme_ids() != []


# --- robustness --------------------------------------------------------------------------


def test_empty_and_none_input(lex: Lexicon) -> None:
    assert lex.classify("", "") == Classification()
    assert lex.classify(None, None) == Classification()  # type: ignore[arg-type]


def test_hostile_input_does_not_raise(lex: Lexicon) -> None:
    nasty = "\x00\x1b[31m[bold red]Nvidia[/] \ud800 H800 \u202e export controls\x07 on AI chips"
    result = lex.classify("[link=file:///etc/passwd]AI[/link]\r\n\t", nasty)
    assert "chips" in result.theme_ids()
    assert "Nvidia" in result.actors


def test_markup_and_html_leftovers(lex: Lexicon) -> None:
    text = "<p>The&nbsp;<b>EU&nbsp;AI&nbsp;Act</b> enters into force; [i]GPAI[/i] rules.</p>"
    assert "governance" in lex.classify("", text).theme_ids()


def test_huge_text_is_capped_before_the_work(lex: Lexicon, monkeypatch: pytest.MonkeyPatch) -> None:
    scanned: list[int] = []
    scan = Lexicon._scan

    def spy(self: Lexicon, text: str, limit: int) -> object:
        scanned.append(min(len(text), limit))
        return scan(self, text, limit)

    monkeypatch.setattr(Lexicon, "_scan", spy)
    head = "Nvidia H800 export controls hit AI chips for DeepSeek. " * 5
    huge = head + "x" * 1_000_000 + " sovereign AI " * 10_000
    result = lex.classify("AI chips", huge)
    # The work done, not the time taken: the title and the first 32,000 characters.
    assert sum(scanned) <= len("AI chips") + 32_000
    assert "chips" in result.theme_ids()
    assert "sovereignty" not in result.theme_ids()  # beyond the scanned prefix


def test_non_english_text(lex: Lexicon) -> None:
    text = "L'intelligence artificielle générative: Mistral AI lève des fonds à Paris."
    result = lex.classify("Ελληνικά 中文 العربية", text)
    assert "Mistral AI" in result.actors


# --- the lexicon file --------------------------------------------------------------------


def test_lexicon_shape(lex: Lexicon) -> None:
    assert lex.theme_ids == THEME_IDS
    assert [t.id for t in lex.themes] == THEME_IDS
    assert all(t.name and t.description for t in lex.themes)
    assert re.fullmatch(r"[0-9a-f]{12}", lex.version)
    assert load_lexicon() is lex  # cached


def test_version_follows_the_file(tmp_path: Path, lex: Lexicon) -> None:
    copy = tmp_path / "themes.toml"
    shutil.copy(Path(__file__).parents[2] / "seeds" / "themes.toml", copy)
    same = load_lexicon(copy)
    assert same.version == lex.version
    copy.write_text(copy.read_text() + "\n# edited\n")
    assert load_lexicon(copy).version != lex.version


MINIMAL = """
[ai_context]
"AI" = { weight = 3.0, case = true }

[[themes]]
id = "chips"
name = "Chips"
[themes.phrases]
"export controls" = 4.0

[[actors]]
name = "China"
kind = "country"
aliases = ["PRC"]
"""


def test_minimal_lexicon_works(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(MINIMAL)
    mini = load_lexicon(path)
    result = mini.classify("AI export controls", "The PRC and China object.")
    assert result.theme_ids() == ["chips"]
    assert result.actors == ("China",)


def _edit(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new)


TERM = '"export controls" = 4.0'
BAD_LEXICONS = {
    "syntax": ("[ai_context\n", "invalid TOML"),
    "top-key": (MINIMAL + "\n[colour]\nx = 1\n", "unknown key 'colour'"),
    "theme-key": (_edit('name = "Chips"', 'name = "Chips"\ncolor = "red"'), "unknown key 'color'"),
    "alias-key": (
        _edit('["PRC"]', '[{ text = "PRC", nearby = ["x"] }]'),
        "unknown key 'nearby'",
    ),
    "term-key": (
        _edit(TERM, '"export controls" = { weight = 4, cased = true }'),
        "unknown key 'cased'",
    ),
    "kind": (_edit('kind = "country"', 'kind = "planet"'), "kind must be one of"),
    "weight": (_edit(TERM, '"export controls" = "high"'), "must be a number"),
    "theme-id": (_edit('id = "chips"', 'id = "Chips & Co"'), "id must be"),
    "dup-alias": (
        MINIMAL + '\n[[actors]]\nname = "Taiwan"\nkind = "country"\naliases = ["PRC"]\n',
        "already belongs",
    ),
    "bonus-actor": (
        _edit('name = "Chips"', 'name = "Chips"\nactor_bonus = { "Mars" = 1 }'),
        "unknown actor 'Mars'",
    ),
    "ignore-clash": (
        '[classifier]\ntheme_ignore = ["export controls"]\n' + MINIMAL,
        "also a real entry",
    ),
    "no-gate": (_edit("[ai_context]", "[ai_context_]"), "unknown key 'ai_context_'"),
}


def test_phrases_must_be_adjacent(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(MINIMAL.replace(TERM, TERM + '\n"code of practice" = 4.0'))
    mini = load_lexicon(path)
    assert mini.classify("AI", "A new code of practice.").theme_ids() == ["chips"]
    assert mini.classify("AI", "New export controls.").theme_ids() == ["chips"]
    scattered = "The code, of course, needs practice; export of goods controls nothing."
    assert mini.classify("AI", scattered).themes == ()


TWO_THEMES = """
[ai_context]
"AI" = { weight = 3.0, case = true }

[[themes]]
id = "chips"
name = "Chips"
[themes.phrases]
"AI chips" = 4.0
"war" = 3.0
"price war" = 0

[[themes]]
id = "rivalry"
name = "Rivalry"
[themes.phrases]
"foreign AI chips" = 4.0
"price war" = 4.0
"rivalité" = 4.0
"""


def test_a_longer_phrase_cancels_a_shorter_one_only_in_its_own_themes(tmp_path: Path) -> None:
    path = tmp_path / "two.toml"
    path.write_text(TWO_THEMES, encoding="utf-8")
    two = load_lexicon(path, overlay=None)
    # "foreign AI chips" (rivalry) contains "AI chips" (chips): both themes count
    assert two.classify("AI", "A ban on foreign AI chips.").theme_ids() == ["chips", "rivalry"]
    # weight 0 says "not this theme": "price war" still cancels "war" for chips
    assert two.classify("AI", "A price war.").theme_ids() == ["rivalry"]
    assert two.classify("AI", "A war.").theme_ids() == ["chips"]


@pytest.mark.parametrize(
    "text", ["la rivalité", "la rivalite", "la rivalite\u0301", "LA RIVALITÉ"], ids=str
)
def test_accented_entries_match_with_or_without_accents(tmp_path: Path, text: str) -> None:
    path = tmp_path / "two.toml"
    path.write_text(TWO_THEMES, encoding="utf-8")
    two = load_lexicon(path, overlay=None)
    assert two.classify("AI", text).theme_ids() == ["rivalry"]


@pytest.mark.parametrize(("text", "message"), BAD_LEXICONS.values(), ids=BAD_LEXICONS.keys())
def test_load_errors_name_the_file_and_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    assert message in str(err.value)
    assert str(path.name) in str(err.value)
    assert isinstance(err.value, ValueError)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match=r"nope\.toml"):
        load_lexicon(tmp_path / "nope.toml")


# --- the raw seed documents --------------------------------------------------------------


def _seed(prefix: str) -> tuple[str, str]:
    if not SHARED_SEEDS.is_dir():
        pytest.skip("shared seed documents are not available")
    path = next(SHARED_SEEDS.glob(f"{prefix}_*"), None)
    if path is None:
        pytest.skip(f"seed {prefix} missing")
    text = path.read_text(encoding="utf-8")
    title, _, body = text.strip().partition("\n")
    return title, body


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_seed_is_about_open_models(lex: Lexicon, prefix: str) -> None:
    result = lex.classify(*_seed(prefix))
    assert "open-models" in result.theme_ids()
    assert "DeepSeek" in result.actors


@pytest.mark.parametrize("prefix", ["001", "002", "003"])
def test_selloff_seeds_are_markets_and_us_china(lex: Lexicon, prefix: str) -> None:
    got = lex.classify(*_seed(prefix)).theme_ids()
    assert {"markets", "us-china"} <= set(got), got


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_essays_carry_two_to_four_main_themes(lex: Lexicon, prefix: str) -> None:
    # issue 13: a long text gets the themes it is mainly about, as a reader tags it
    got = lex.classify(*_seed(prefix)).theme_ids()
    assert 2 <= len(got) <= 4, got


def test_seed_000_is_about_sovereignty(lex: Lexicon) -> None:
    result = lex.classify(*_seed("000"))
    assert "sovereignty" in result.theme_ids()
    assert {"India", "France", "Mistral AI", "kyutai", "Krutrim", "TII/Falcon"} <= set(
        result.actors
    )


def _related(title_start: str) -> tuple[str, str]:
    """A 'Related Articles' story from seed 002: its headline line and the next line."""
    _, body = _seed("002")
    lines = body.split("\n")
    i = next(i for i, line in enumerate(lines) if line.startswith(title_start))
    return lines[i], lines[i + 1]


def test_seed_002_related_bitcoin_story_is_not_markets(lex: Lexicon) -> None:
    title, text = _related("What is the US's Crypto Week?")
    assert "Bitcoin" in text and len(text) > 2000
    assert "markets" not in lex.classify(title, text).theme_ids()


def test_seed_002_related_hotel_story_has_no_theme(lex: Lexicon) -> None:
    title, text = _related("China's luxury hotels sell street food")
    assert "hotel" in text
    assert lex.classify(title, text).themes == ()


def test_a_summit_mentioned_in_passing_is_not_governance(lex: Lexicon) -> None:
    """Seed 005 (a robot's portrait of King Charles, shown at the UN's AI for Good summit):
    venue words (summit, UN) without any rule, treaty or policy in the item give no theme."""
    text = (REPO / "seeds" / "005-ai-da-portrait-king-charles.md").read_text(encoding="utf-8")
    title = "Humanoid robot Ai-Da unveils portrait of King Charles in Geneva"
    assert "summit" in text and "United Nations" in text
    assert "governance" not in lex.classify(title, text).theme_ids()
    summit = "UN summit agrees first global rules for military AI"
    body = "Delegates at the United Nations summit adopted a resolution on AI in weapons."
    assert "governance" in lex.classify(summit, body).theme_ids()


def test_the_seed_corpus_negatives_get_no_theme_and_the_essays_two_to_four() -> None:
    """The seed corpus keeps three unrelated "related" stories as real-world negatives
    (a robot artist, Bitcoin's Crypto Week, hotels selling street food): no theme for
    them, and the five essays get their main themes only."""
    from tui.corpus import read_seed_documents

    lexicon = load_lexicon(overlay=None)
    for doc in read_seed_documents():
        got = lexicon.classify(doc.title, doc.text).themes
        if doc.role == "related":
            assert not got, (doc.title, got)
        else:
            assert 2 <= len(got) <= 4, (doc.title, got)
