"""Hand-written news fixtures: the same stories as several outlets rewrote them.

Each story is told by two to four outlets in their own words (shared names, numbers
and quotes, different sentences), the way wire copy and rewrites look in real feeds.
Some stories share a theme and actors but are different news (two chip stories, two
compute stories), so a clusterer that merges by topic fails here. `OUTLETS` groups the
articles by outlet for serving them as feeds; `STORY` maps each guid to its story.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.model import NewItem
from tui.text import content_hash


@dataclass(frozen=True, slots=True)
class Article:
    """One outlet's article."""

    outlet: str
    guid: str
    story: str  # which news it is (the expected cluster)
    published: str  # UTC ISO 8601
    title: str
    text: str


ARTICLES: tuple[Article, ...] = (
    # --- Nvidia H20 licence (chips, us-china): three rewrites
    Article(
        "Wire",
        "wire-h20",
        "h20",
        "2025-04-15T21:10:00+00:00",
        "Nvidia expects $5.5 billion charge as US curbs H20 chip exports to China",
        "Nvidia said on Tuesday it would take a $5.5 billion charge after the US government "
        "told the company it needs a licence to export its H20 artificial intelligence chips "
        "to China, a sign that Washington is tightening export controls on advanced "
        "semiconductors. The H20 was the most advanced AI chip Nvidia could still sell to "
        "Chinese customers such as Tencent, Alibaba and ByteDance. The Commerce Department "
        "said the licence requirement would remain in place indefinitely. Shares of Nvidia "
        "fell about 6% in extended trading.",
    ),
    Article(
        "Tech Daily",
        "td-nvidia-h20",
        "h20",
        "2025-04-16T08:30:00+00:00",
        "Washington blocks Nvidia's H20 sales to China, costing the chipmaker $5.5bn",
        "The Trump administration has effectively banned sales of Nvidia's H20, the "
        "China-specific AI chip, by requiring an export licence for every shipment. Nvidia "
        "disclosed in a filing that it will book a $5.5 billion charge tied to H20 inventory "
        "and purchase commitments. Chinese tech giants including Alibaba, Tencent and "
        "ByteDance had ordered the H20 in large numbers after DeepSeek's rise. The Commerce "
        "Department says the rule is indefinite. Nvidia stock dropped 6% after hours.",
    ),
    Article(
        "Asia Markets",
        "am-h20-licence",
        "h20",
        "2025-04-16T02:05:00+00:00",
        "Beijing's tech giants lose access to Nvidia H20 as US adds licence rule",
        "Chinese buyers of Nvidia's H20 chips, among them ByteDance, Alibaba and Tencent, "
        "face an abrupt halt in supply after the US Commerce Department imposed an "
        "indefinite licence requirement on exports of the AI accelerator to China. Nvidia "
        "warned of a $5.5 billion charge in its first quarter. Analysts said the move "
        "escalates the chip war and could speed up orders for Huawei's Ascend processors.",
    ),
    # --- ASML / Dutch export controls (chips too, a different story)
    Article(
        "Wire",
        "wire-asml",
        "asml",
        "2025-04-17T10:00:00+00:00",
        "Dutch government widens export curbs on ASML chipmaking machines",
        "The Netherlands said on Thursday it would require licences for exports of more of "
        "ASML's deep ultraviolet lithography systems, extending controls that already cover "
        "its most advanced EUV machines. The Dutch trade ministry said the measure protects "
        "national security. ASML said it does not expect a material impact on its 2025 "
        "outlook. China has been ASML's largest market in recent quarters, buying older "
        "DUV tools to build up domestic chip production at SMIC and other foundries.",
    ),
    Article(
        "Euro Tech",
        "et-asml-duv",
        "asml",
        "2025-04-17T14:45:00+00:00",
        "Netherlands tightens rules on ASML DUV lithography sales",
        "ASML will need a Dutch licence to ship additional deep ultraviolet (DUV) immersion "
        "lithography machines abroad, the Netherlands' trade ministry announced, citing "
        "national security. The Veldhoven-based company, the sole maker of EUV tools, said "
        "the rules would not materially change its 2025 guidance. Chinese chipmakers such "
        "as SMIC have been stockpiling DUV equipment, making China ASML's largest market.",
    ),
    # --- DeepSeek R1 (open-models, markets, us-china): three rewrites
    Article(
        "Wire",
        "wire-deepseek",
        "deepseek",
        "2025-01-27T18:00:00+00:00",
        "Chinese AI startup DeepSeek's R1 model rattles US tech stocks",
        "Shares of Nvidia plunged 17% on Monday, wiping nearly $600 billion off its market "
        "value, after Chinese startup DeepSeek released R1, an open-weight reasoning model "
        "it says matches OpenAI's o1 at a fraction of the cost. DeepSeek said it trained its "
        "V3 base model for about $5.6 million using Nvidia H800 chips. Investors questioned "
        "whether the billions US companies spend on AI data centres are necessary. Marc "
        "Andreessen called it AI's Sputnik moment.",
    ),
    Article(
        "Markets Now",
        "mn-r1-selloff",
        "deepseek",
        "2025-01-27T21:30:00+00:00",
        "Nvidia loses $600bn in a day as DeepSeek R1 sparks AI sell-off",
        "Nvidia suffered the largest one-day loss of market value in US history, almost "
        "$600 billion, as DeepSeek's R1 reasoning model, released with open weights, "
        "challenged assumptions about how much compute AI requires. The Hangzhou-based lab "
        "claims R1 rivals OpenAI's o1 and that its V3 model cost just $5.6 million to train "
        "on H800 chips. Nvidia's shares closed down 17%. Investor Marc Andreessen described "
        "the release as a Sputnik moment for AI.",
    ),
    Article(
        "Policy Review",
        "pr-deepseek-sputnik",
        "deepseek",
        "2025-01-28T09:00:00+00:00",
        "DeepSeek's 'Sputnik moment': a cheap Chinese model shakes Silicon Valley",
        "A reasoning model from Hangzhou startup DeepSeek, R1, published with open weights "
        "and said to match OpenAI's o1, knocked 17% off Nvidia's share price on Monday. "
        "DeepSeek reports training its V3 model for about $5.6 million on export-compliant "
        "H800 chips, far less than US labs spend. Marc Andreessen called it a Sputnik "
        "moment; Washington hawks say it shows export controls are leaking.",
    ),
    # --- Qwen release (open-models, a different open-model story)
    Article(
        "Tech Daily",
        "td-qwen3",
        "qwen",
        "2025-04-29T06:00:00+00:00",
        "Alibaba releases Qwen3 family of open models with hybrid reasoning",
        "Alibaba Cloud published Qwen3, a family of eight open-weight large language models "
        "ranging from 0.6 billion to 235 billion parameters under the Apache 2.0 licence. "
        "The flagship mixture-of-experts model switches between a thinking mode for hard "
        "problems and a fast mode for simple questions. Alibaba says Qwen3 rivals DeepSeek "
        "R1 and OpenAI's o3-mini on coding and maths benchmarks.",
    ),
    # --- EU AI Act code of practice (governance): two rewrites
    Article(
        "Euro Tech",
        "et-gpai-code",
        "eu-code",
        "2025-07-10T12:00:00+00:00",
        "EU publishes code of practice for general-purpose AI models",
        "The European Commission published a voluntary code of practice on Thursday to help "
        "makers of general-purpose AI models such as OpenAI, Google and Mistral AI comply "
        "with the EU AI Act. The code covers transparency, copyright and safety and security "
        "for the most powerful models. Obligations for general-purpose AI take effect on "
        "2 August 2025. Signatories will face less administrative burden, the Commission "
        "said, after months of lobbying by industry to delay the rules.",
    ),
    Article(
        "Wire",
        "wire-eu-code",
        "eu-code",
        "2025-07-10T15:20:00+00:00",
        "Brussels unveils voluntary AI code ahead of August AI Act deadline",
        "General-purpose AI providers that sign the European Commission's new code of "
        "practice will get legal certainty under the AI Act, Brussels said as it released "
        "the long-delayed document. Its chapters on transparency, copyright and safety "
        "apply from 2 August 2025, when the AI Act's general-purpose AI obligations start. "
        "Companies including OpenAI, Google and Mistral AI had pushed for a pause in the "
        "rules.",
    ),
    # --- Stargate UAE (compute, sovereignty): two rewrites
    Article(
        "Gulf Business",
        "gb-stargate-uae",
        "stargate-uae",
        "2025-05-22T09:00:00+00:00",
        "OpenAI, G42 to build 1GW Stargate UAE cluster in Abu Dhabi",
        "OpenAI will help build a one-gigawatt data centre cluster in Abu Dhabi called "
        "Stargate UAE with G42, Oracle, Nvidia, Cisco and SoftBank, the first international "
        "deployment of its Stargate infrastructure. The first 200 megawatts are due to go "
        "live in 2026 as part of a 5GW UAE-US AI campus. The UAE will become the first "
        "country to enable ChatGPT nationwide, the companies said.",
    ),
    Article(
        "Tech Daily",
        "td-stargate-abu-dhabi",
        "stargate-uae",
        "2025-05-22T17:40:00+00:00",
        "OpenAI takes Stargate abroad with a 1-gigawatt campus in the UAE",
        "Stargate UAE, a one-gigawatt compute cluster in Abu Dhabi, is OpenAI's first "
        "Stargate project outside the United States. G42 will build it with OpenAI, Oracle, "
        "Nvidia, Cisco and SoftBank; 200 megawatts should come online in 2026 on the 5GW "
        "UAE-US AI campus announced during President Trump's Gulf tour. OpenAI says the UAE "
        "will be the first country to offer ChatGPT nationwide.",
    ),
    # --- France AI investment (compute, sovereignty): a different compute story
    Article(
        "Euro Tech",
        "et-france-109bn",
        "france-109",
        "2025-02-10T07:00:00+00:00",
        "Macron announces 109 billion euros of private AI investment in France",
        "French President Emmanuel Macron said on the eve of the Paris AI Action Summit that "
        "France would attract 109 billion euros of private investment in artificial "
        "intelligence in the coming years, including data centres funded by the United Arab "
        "Emirates and Canadian investor Brookfield. Macron presented the plan as Europe's "
        "answer to the US Stargate project and said France's nuclear power gives it an "
        "edge for energy-hungry AI computing.",
    ),
    # --- Anthropic safety / a governance story with shared actors (singleton)
    Article(
        "Policy Review",
        "pr-uk-aisi",
        "uk-aisi",
        "2025-02-14T10:00:00+00:00",
        "UK renames its AI Safety Institute the AI Security Institute",
        "Britain's AI Safety Institute will become the AI Security Institute, Technology "
        "Secretary Peter Kyle announced in Munich, shifting its focus to serious risks such "
        "as cyber attacks, fraud and the use of AI to develop chemical and biological "
        "weapons. The institute signed a memorandum of understanding with Anthropic to "
        "explore using the company's Claude models in public services.",
    ),
)

OUTLETS: dict[str, list[Article]] = {}
for _article in ARTICLES:
    OUTLETS.setdefault(_article.outlet, []).append(_article)

STORY: dict[str, str] = {a.guid: a.story for a in ARTICLES}


def by_guid(guid: str) -> Article:
    """The article with this guid."""
    return next(a for a in ARTICLES if a.guid == guid)


def news_item(guid: str, title: str, text: str, when: str) -> NewItem:
    """A storable item of `text` published at `when`, its URL made from its guid."""
    return NewItem(
        guid=guid,
        title=title,
        text=text,
        url=f"https://news.example/{guid}",
        published=when,
        content_hash=content_hash(title, text),
    )
