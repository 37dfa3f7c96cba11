"""The summary of a page with a body: its own lede, the first paragraphs a reader meets.

Bylines, follow prompts (点击上方蓝字关注), source lines (来源：), editor's notes, captions, share
prompts and ads open many posts; they are skipped. The lede is cut at a sentence end, to
80-300 CJK characters or 40-120 Latin words, and never inside a word or a URL.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from .base import clean_text

CJK_LENGTH = (80, 300)  # characters
LATIN_LENGTH = (40, 120)  # words
SENTENCE_STOPS = "。！？.!?"
_QUOTE_PAIRS = (("“", "”"), ("「", "」"), ("『", "』"), ("《", "》"), ("（", "）"))
_CLAUSE_MARKS = "，、；：,;:"
_CLOSERS = "”’」』）)\"'》】"
_CJK_CHAR = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ɏ][\w'’-]*")
# A sentence ends after a CJK stop, or after a Latin one followed by space and no lower-case
# letter (so "e.g. this" and "3.5" go on); closing quotes and brackets stay with the sentence.
_SENTENCE_END = re.compile(
    r"[。！？]+[”’」』）)》】]*\s*|(?<![A-Z])[.!?]+[\"'”’)\]]*(?:\s+(?![a-z])|$)"
)
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:Mr|Ms|Mrs|Dr|St|vs|No|Jr|Sr|Prof|Inc|Ltd|Co|etc|al|e\.g|i\.e|U\.S)\.$"
)
_URL_OR_WORD_END = re.compile(r"https?://\S+|\S+")

# Lines that are not the article's own words: checked against the start of each paragraph.
_NOT_LEDE = re.compile(
    r"^\s*[【\[（(]?\s*(?:"
    # follow, share and ad prompts
    r"[↑▲☝👆🔺⬆]|点击|点上方|戳上方|关注|长按|扫码|扫描|识别(?:图中)?二维码|星标|设为星标|置顶"
    r"|转播到|分享到|分享至|广告|推广|赞助|阅读原文|转载请|未经授权|免责声明|版权声明"
    r"|advertisement|sponsored|share (?:this|on)|follow us|subscribe|sign up|read more"
    r"|listen to this|本文约?\s*\d+\s*字|(?:全文|预计)?阅读(?:时间|需要|大约)"
    # bylines, sources and credits
    r"|来源\s*[:：|丨]|稿件来源|本文来源|本文(?:转载|转自|经授权|首发|作者)|转自|原标题|原文[:：]"
    r"|作者\s*[:：|丨]|文\s*[:：|丨/]|撰文|编辑\s*[:：|丨]|责任编辑|责编|编译\s*[:：|丨/]|校对"
    r"|审核|出品|策划|记者\s*[:：|丨]|通讯员|排版|美编|翻译\s*[:：|丨]"
    r"|by\s+[A-Z]|written by|photo(?:graph)?s?\s*(?:by|:)|image\s*(?:by|:)|credit\s*:"
    r"|source\s*:|illustration\s*(?:by|:)"
    # editor's notes and series notes
    r"|编者按|编者注|编辑按|小编(?:按|注)|editor[’']?s note|this (?:post|article|story|piece) "
    r"(?:is|was) (?:part|originally|first|adapted)|update\s*:"
    # captions
    r"|图\s*[:：/|丨]|图片?(?:来源|源自|由)|图源|题图|封面图|配图|视觉中国|摄影\s*[:：|丨/]"
    r")",
    re.IGNORECASE,
)
# A short line that ends without a sentence stop is a heading, dateline, label or caption.
_SHORT_CJK, _SHORT_LATIN = 40, 12
_SAMPLE = 400  # characters enough to tell CJK text from Latin
_MAX_PARAGRAPHS = 5


def is_mostly_cjk(text: str) -> bool:
    return len(_CJK_CHAR.findall(text)) > len(_LATIN_WORD.findall(text))


def ends_at_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_STOPS


def size(text: str, cjk: bool) -> int:
    """Length in the unit the rules use: characters for CJK text, words for Latin."""
    return len(text) if cjk else len(text.split())


def is_boilerplate(paragraph: str, title: str = "") -> bool:
    """Whether a paragraph is a byline, prompt, credit, note or caption rather than text."""
    if not paragraph or _NOT_LEDE.match(paragraph):
        return True
    if title and _same_words(paragraph, title):
        return True
    if ends_at_sentence(paragraph):
        return False
    cjk = is_mostly_cjk(paragraph[:_SAMPLE])
    return size(paragraph, cjk) < (_SHORT_CJK if cjk else _SHORT_LATIN)


def _same_words(a: str, b: str) -> bool:
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def lede(body_text: str, *, title: str = "") -> str:
    """The opening sentences of the body's first meaningful paragraphs, '' when it has none."""
    out = ""
    cjk = True
    paragraphs = (p for p in _lines(body_text) if not is_boilerplate(p, title))
    for index, paragraph in enumerate(paragraphs):
        if index == 0:
            cjk = is_mostly_cjk(paragraph[:_SAMPLE])
        low, high = CJK_LENGTH if cjk else LATIN_LENGTH
        for sentence in sentences(paragraph):
            candidate = _join(out, sentence, cjk)
            if size(candidate, cjk) > high:
                return out or cut(sentence, high, cjk)
            out = candidate
            if size(out, cjk) >= low:
                return out
        if index >= _MAX_PARAGRAPHS:
            break
    return out


def _lines(body_text: str) -> Iterator[str]:
    """The body's lines, a line that stops at a comma joined to the next (verse, <br> breaks)."""
    carry = ""
    for raw in body_text.splitlines():
        line = clean_text(raw)
        if not line:
            continue
        line = _join(carry, line, is_mostly_cjk(carry[:_SAMPLE])) if carry else line
        carry = line if line[-1] in _CLAUSE_MARKS else ""
        if not carry:
            yield line
    if carry:
        yield carry


def sentences(paragraph: str) -> Iterator[str]:
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        if _ABBREVIATION.search(paragraph[max(start, match.start() - 8) : match.start() + 1]):
            continue
        sentence = paragraph[start : match.end()].strip()
        if _inside_quote(sentence):
            continue  # "兄弟，放心吧！我们会…”: the sentence goes on to the closing quote
        start = match.end()
        if sentence:
            yield sentence
    rest = paragraph[start:].strip()
    if rest:
        yield rest


def _inside_quote(text: str) -> bool:
    return any(text.count(left) > text.count(right) for left, right in _QUOTE_PAIRS)


def _join(text: str, sentence: str, cjk: bool) -> str:
    if not text:
        return sentence
    touching = _CJK_CHAR.match(sentence[0]) or not text[-1].isascii()
    return text + sentence if cjk and touching else f"{text} {sentence}"


def cut(sentence: str, high: int, cjk: bool) -> str:
    """A too-long first sentence cut at its last clause break (or word) that fits, with '…'."""
    if cjk:
        head = sentence[: high - 1]
        breaks = [head.rfind(mark) for mark in "，；、：,;"]
        end = max(breaks)
        head = head[: end + 1] if end > high // 2 else _whole_tokens(head, sentence)
        return head.rstrip("，；、：,; ") + "…"
    words = sentence.split()[:high]
    return " ".join(words).rstrip(",;:") + "…"


def _whole_tokens(head: str, sentence: str) -> str:
    """`head` without a Latin word or URL it cuts through."""
    if len(head) < len(sentence) and not sentence[len(head)].isspace():
        for match in _URL_OR_WORD_END.finditer(sentence):
            if match.start() < len(head) < match.end() and match.group().isascii():
                return head[: match.start()]
    return head


def summary_of(body_text: str, description: str, *, title: str, site: str = "") -> str:
    """The lede; else the page's description when it says more than the title."""
    found = lede(body_text, title=title)
    declared = "" if is_title_like(description, title, site) else clean_text(description)
    if found and declared:
        # A lede too short to stand alone (a README of links) gives way to a real description.
        cjk = is_mostly_cjk(found)
        low = (CJK_LENGTH if cjk else LATIN_LENGTH)[0]
        return found if size(found, cjk) * 2 >= low else declared
    return found or declared


def is_title_like(description: str, title: str, site: str = "") -> bool:
    """A description that is the title again: the same, a prefix or suffix variant, + site name."""
    text, head = _plain(description), _plain(title)
    if not text:
        return True
    if not head:
        return False
    if text == head or text.startswith(head) or text.endswith(head) or head.startswith(text):
        return True
    plain_site = _plain(site)
    return bool(plain_site) and _plain(text.replace(plain_site, "")) == head


def _plain(text: str) -> str:
    """Letters and digits only, case-folded: what two spellings of a title share."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())
