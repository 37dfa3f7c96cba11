"""Bench data: two small issues built through the ORM, and a large archive bulk-inserted.

The text is made up, in the mix of Chinese and English the digests carry, with the same
shape as fetched articles: a publication, a Markdown summary, a related link, two tags.
"""

from __future__ import annotations

import datetime as dt
import random
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article, RelatedLink, Tag
from digest.models import Digest, Entry, Issue
from sources.models import Source

BASE_DIGEST = "bench-brief"
SCALE_DIGEST = "bench-scale"
BASE_ISSUES = {1: 30, 2: 5}  # issue number: entries
OTHERS_SHARE = 0.15  # link-only entries at the end of an issue

ORGS = [
    "OpenAI",
    "DeepMind",
    "Anthropic",
    "Meta AI",
    "智谱",
    "月之暗面",
    "百度",
    "阿里云",
    "腾讯混元",
    "Mistral",
    "Hugging Face",
    "清华大学",
    "北京大学",
    "Stability AI",
]
THINGS_ZH = [
    "多模态大模型",
    "开源推理模型",
    "代码生成工具",
    "语音合成系统",
    "机器人控制框架",
    "长上下文模型",
    "图像生成模型",
    "检索增强方案",
    "智能体平台",
    "端侧小模型",
]
THINGS_EN = [
    "a reasoning model",
    "an agent framework",
    "a vision-language model",
    "an open-weights LLM",
    "a speech model",
    "a retrieval toolkit",
    "a robotics stack",
]
CLAIMS_ZH = [
    "推理能力大幅提升",
    "成本降低一半",
    "在多项基准上领先",
    "支持百万级上下文",
    "全面开源权重与代码",
    "已在产品中上线",
    "引发社区热议",
]
CLAIMS_EN = [
    "beats larger models on math",
    "runs on a laptop",
    "with open weights",
    "for long documents",
    "that plans with tools",
    "trained on synthetic data",
]
SUMMARY_ZH = [
    "团队在技术报告中介绍了训练数据的构成与**评测方法**，并公开了消融实验的细节。",
    "与上一代相比，新版本在代码与数学任务上的表现明显更好，推理速度也更快。",
    "文章还讨论了部署时的显存占用和量化带来的精度损失，适合工程团队参考。",
    "作者认为，*数据质量*比参数规模更能决定模型在真实任务中的表现。",
    "社区开发者已经在 GitHub 上复现了主要结果，并给出了更小规模的训练配置。",
]
PUBLICATIONS = [
    ("机器之心", "wechat"),
    ("量子位", "wechat"),
    ("新智元", "wechat"),
    ("arXiv", "arxiv"),
    ("GitHub", "github"),
    ("The Batch", "website"),
    ("Import AI", "website"),
    ("MIT Technology Review", "website"),
]
TAGS = [
    "论文",
    "开源",
    "大模型",
    "智能体",
    "多模态",
    "机器人",
    "语音",
    "视觉",
    "安全",
    "产品",
    "融资",
    "芯片",
    "数据集",
    "评测",
    "Transformer",
    "RAG",
    "LLM",
    "agents",
]
INTRO = "本期为 {digest} {number} 期，将为您带来 {count} 条相关新闻，祝阅读愉快。"


def _title(rng: random.Random, n: int) -> str:
    if rng.random() < 0.6:
        return f"{rng.choice(ORGS)} 发布{rng.choice(THINGS_ZH)}，{rng.choice(CLAIMS_ZH)}"
    return f"{rng.choice(ORGS)} releases {rng.choice(THINGS_EN)} {rng.choice(CLAIMS_EN)} ({n})"


def _summary(rng: random.Random) -> str:
    first, second = rng.sample(SUMMARY_ZH, 2)
    return f"{first}{second}\n\n{rng.choice(SUMMARY_ZH)}"


def sources() -> list[Source]:
    return [Source.objects.get_or_create(name=name, kind=kind)[0] for name, kind in PUBLICATIONS]


def tags() -> list[Tag]:
    return [Tag.objects.get_or_create(name=name)[0] for name in TAGS]


def article_rows(
    rng: random.Random, prefix: str, numbers: range, pubs: list[Source]
) -> list[Article]:
    now = timezone.now()
    rows = []
    for n in numbers:
        source = pubs[n % len(pubs)]
        rows.append(
            Article(
                submitted_url=f"https://bench.example/{prefix}/{n}",
                canonical_url=f"https://bench.example/{prefix}/{n}",
                kind=Article.Kind.WEB,
                title=_title(rng, n),
                source=source,
                author=rng.choice(["李雷", "韩梅梅", "Alex Chen", "编辑部"]),
                summary=_summary(rng),
                excerpt=rng.choice(SUMMARY_ZH),
                image_url=f"https://img.bench.example/{prefix}/{n}.jpg",
                published_at=now - dt.timedelta(hours=n % 5000),
                fetch_state=Article.FetchState.DONE,
            )
        )
    return rows


def _extras(rng: random.Random, articles: list[Article], pool: list[Tag]) -> None:
    RelatedLink.objects.bulk_create(
        [
            RelatedLink(article=a, label="原文链接", url=f"{a.canonical_url}/original", position=0)
            for a in articles
        ],
        batch_size=5000,
    )
    through = Article.tags.through
    rows = []
    for a in articles:
        for t in rng.sample(pool, 2):
            rows.append(through(article_id=a.pk, tag_id=t.pk))
    through.objects.bulk_create(rows, batch_size=5000)


def _entries(issue: Issue, articles: list[Article]) -> list[Entry]:
    main = len(articles) - max(1, round(len(articles) * OTHERS_SHARE))
    return [
        Entry(
            issue=issue,
            article=a,
            position=i,
            section=Entry.Section.MAIN if i <= main else Entry.Section.OTHERS,
        )
        for i, a in enumerate(articles, start=1)
    ]


# --- the two small issues of the cold and warm benchmarks -------------------------------


def base_issues() -> dict[int, Issue]:
    """Issue 1 (30 entries) and 2 (5 entries) of the bench digest, published; built once."""
    digest, _ = Digest.objects.get_or_create(
        slug=BASE_DIGEST,
        defaults={"name": "Bench 简报", "numbering": Digest.Numbering.SEQUENTIAL},
    )
    issues = {i.number: i for i in Issue.objects.filter(digest=digest).select_related("digest")}
    if all(
        number in issues
        and issues[number].is_published()
        and issues[number].entries.count() == count
        for number, count in BASE_ISSUES.items()
    ):
        return issues
    rng = random.Random(1)
    with transaction.atomic():
        Entry.objects.filter(issue__digest=digest).delete()
        Issue.objects.filter(digest=digest).delete()
        pubs, pool = sources(), tags()
        issues = {}
        start = 0
        for number, count in BASE_ISSUES.items():
            issue = Issue.objects.create(
                digest=digest,
                number=number,
                title=f"Bench 简报第 {number} 期",
                issue_date=dt.date(2021, 2, 18 + number),
                intro=INTRO,
                status=Issue.Status.PUBLISHED,
                published_at=timezone.now() - dt.timedelta(days=10 - number),
            )
            articles = []
            for row in article_rows(rng, "base", range(start, start + count), pubs):
                found = Article.objects.filter(canonical_url=row.canonical_url).first()
                if found is None:
                    row.save()
                    RelatedLink.objects.create(
                        article=row, label="原文链接", url=f"{row.canonical_url}/original"
                    )
                    row.tags.add(*rng.sample(pool, 2))
                    found = row
                articles.append(found)
            for entry in _entries(issue, articles):
                entry.save()
            issues[number] = issue
            start += count
    return issues


# --- the large archive of the scale benchmark -------------------------------------------


def truncate_content() -> None:
    """Empty issues, entries, articles and their links and tags (bench database only)."""
    from bench.common import BENCH_DB

    assert connection.settings_dict["NAME"] == BENCH_DB, "refusing to truncate another database"
    tables = [m._meta.db_table for m in (Entry, Issue, RelatedLink, Article)]
    tables.append(Article.tags.through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def grow_archive(total_issues: int, *, entries: int = 30) -> Digest:
    """Add published issues of `entries` new articles each until the digest has `total`."""
    digest, _ = Digest.objects.get_or_create(
        slug=SCALE_DIGEST, defaults={"name": "Scale 日报", "numbering": "sequential"}
    )
    have = Issue.objects.filter(digest=digest).count()
    pubs, pool = sources(), tags()
    rng = random.Random(have)
    first_day = dt.datetime(2021, 1, 1, 8, tzinfo=dt.UTC)
    numbers = iter(range(have + 1, total_issues + 1))
    while batch := list(islice(numbers, 100)):
        with transaction.atomic():
            issues = Issue.objects.bulk_create(
                [
                    Issue(
                        digest=digest,
                        number=n,
                        title=f"Scale 日报第 {n} 期：{_title(rng, n)}",
                        issue_date=(first_day + dt.timedelta(days=n)).date(),
                        intro=INTRO,
                        status=Issue.Status.PUBLISHED,
                        published_at=first_day + dt.timedelta(days=n),
                    )
                    for n in batch
                ]
            )
            first = (batch[0] - 1) * entries
            articles = Article.objects.bulk_create(
                article_rows(rng, "scale", range(first, first + len(batch) * entries), pubs),
                batch_size=5000,
            )
            _extras(rng, articles, pool)
            rows: list[Entry] = []
            for i, issue in enumerate(issues):
                rows += _entries(issue, articles[i * entries : (i + 1) * entries])
            Entry.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        # What autovacuum would do after such a load, done now so it does not run mid-measure.
        cursor.execute("VACUUM ANALYZE")
    return digest
