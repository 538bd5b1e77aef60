"""Lines of a saved page that are never article text: page furniture (share bars, print and
close buttons, breadcrumbs, footers, links to the neighbouring articles, QR-code invitations),
recognised by shape; and the whitespace cleaning every page line gets."""

from __future__ import annotations

import regex

from qdn_corpus.text.normalize import strip_invisible

# Page furniture: short lines that are never article text (share bars, print/close buttons,
# breadcrumbs, footers). Only lines shorter than _FURNITURE_MAX are candidates.
_FURNITURE_MAX = 200
_WIDGET = (
    r"打印本页|打印此页|打印文章|仅内容打印|打印|关闭本页|关闭窗口|关闭|返回顶部|返回|收藏本页|收藏|我要纠错|纠错|"
    r"分享到|分享|扫一扫在手机打开当前页|扫一扫|保存本页|下载|上一篇|下一篇|相关链接|相关文章|相关阅读|相关文档|"
    r"相关文件|相关信息|相关附件下载|字体|字号|大|中|小|默认|A\+|A-|繁體|繁体|简体|无障碍|长者版|关怀版|手机版|"
    r"移动版|设为首页|加入收藏|网站地图|站点地图|联系我们|登录|注册|编\s*辑|责任编辑|微信|微博|QQ空间|QQ|X|-"
)
_SEP = r"[\s【】\[\]（）()|/·:：,，、]*"
_FURNITURE_RE = regex.compile(rf"^(?:{_SEP}(?:{_WIDGET}))+{_SEP}$")
FOOTER_RE = regex.compile(
    r"版权所有|ICP备|ICP证|网站标识码|公网安备|主办单位|承办单位|技术支持|主办[:：]|承办[:：]|"
    r"建议使用.{0,20}浏览器|分辨率|访问量|访客数|网站地图|Copyright|©"
)
_BREADCRUMB_RE = regex.compile(
    r"^\s*(?:[您你]?(?:当前|现在|所在)?的?(?:所在)?位置\s*[:：])|^[^。，>＞»]{0,40}(?:\s*[>＞»]\s*[^。，>＞»]{1,30}){2,}$"
)


# Furniture by shape: links to the neighbouring articles (上一篇：… 下一篇：无), invitations to
# scan a QR code or follow an account (扫一扫在手机上查看当前页面, 扫码关注…微信), whatever
# the site writes after them. Only short lines without a full stop.
_SHAPE_FURNITURE_RE = regex.compile(
    r"^[\s【\[（(]*(?:上一篇|下一篇|上一条|下一条|上一页|下一页|上篇|下篇|前一篇|后一篇)\s*[:：】\]）)]"
    r"|^[\s【\[（(]*(?:微信|手机|用手机|打开微信)?(?:扫一扫|扫码|扫描二维码|长按识别|识别二维码)"
    r"(?=[\s】\]）)]*$|.{0,30}?(?:关注|查看|阅读|访问|下载|浏览|打开|手机|二维码|分享))"
    r"|(?:在|用)?手机(?:上)?(?:查看|打开|浏览|阅读)(?:当前|本)(?:页面?|文章|信息)"
    r"|^(?:欢迎)?关注.{0,20}(?:微信|公众号|微博|抖音|视频号|客户端)(?:号)?$"
)


def is_furniture(line: str) -> bool:
    if len(line) > _FURNITURE_MAX or "。" in line:
        return False
    if _FURNITURE_RE.match(line) or _BREADCRUMB_RE.match(line):
        return True
    if len(line) <= 60 and _SHAPE_FURNITURE_RE.search(line):
        return True
    footers = len(FOOTER_RE.findall(line))
    return footers >= 1 and (len(line) < 60 or footers >= 2)


def clean(text: str) -> str:
    """Whitespace runs to one space; a line break between two Chinese characters (a wrapped
    title) to nothing. Spaces between names stay (发展改革委 财政部)."""
    text = _WRAP_RE.sub("", strip_invisible(text))
    return _WHITESPACE_RE.sub(" ", text.replace("\u3000", " ")).strip()


_WRAP_RE = regex.compile(r"(?<=[\p{Han}》“”（）])[ \t]*\n\s*(?=[\p{Han}《“”（）])")
_WHITESPACE_RE = regex.compile(r"\s+")
