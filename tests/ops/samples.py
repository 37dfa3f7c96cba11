"""Small house-style issues written for these tests."""

from __future__ import annotations


def issue_markdown(number: int, *, slug: str = "a", digest: str = "Ops Brief") -> str:
    """An issue of `digest` with two entries and one item in the others list."""
    return f"""[TOC]

> 导读： 本期为 {digest} {number} 期，将为您带来 2 条相关新闻，
>
> 本文一共 60 字，通篇阅读结束需要 1~1 分钟

# 1. [Small models {number}](https://example.com/{slug}/{number}/edge) | Example Notes

![](https://example.com/{slug}/{number}/edge.png)

量化与剪枝让模型装进微控制器。

> 原文链接：https://example.com/{slug}/{number}/edge

# 2. [Reading list {number}](https://example.org/{slug}/{number}/reading) | Example Blog

一份延伸阅读清单。

# 3. 其他

- [Open datasets {number}](https://example.net/{slug}/{number}/datasets) | Example Data
"""
