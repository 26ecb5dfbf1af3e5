"""What a laid-out HTML deck must keep, read from the page as Chromium draws it.

Run on every slide: nothing outside the slide, no text outside its box, no line of code or
output drawn on more than one line, no formula taller or wider than its box.
"""
from __future__ import annotations

import itertools

LAYOUT_JS = """
() => {
  const problems = [];
  const total = Reveal.getTotalSlides();
  const animates = Reveal.getConfig().autoAnimate;
  Reveal.configure({ autoAnimate: false });  // each slide at rest, not on its way in from a morph's state before
  const outside = (r, b, tol) => r.bottom > b.bottom + tol || r.right > b.right + tol
                                 || r.left < b.left - tol || r.top < b.top - tol;
  const describe = (el) => `<${el.tagName.toLowerCase()} class="${el.className}">`;
  for (let i = 0; i < total; i++) {
    Reveal.slide(i, 0, 999);
    const section = Reveal.getCurrentSlide();
    const slide = section.querySelector('.ld-slide');
    const box = slide.getBoundingClientRect();
    const scale = box.width / 1280;
    for (const el of slide.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (el.closest('.ld-mathml') || (el.closest('svg') && el.tagName.toLowerCase() !== 'svg')) continue;
      if (outside(r, box, 1)) {
        problems.push(`slide ${i + 1}: ${describe(el)} runs past the slide`
          + ` (${Math.round((r.right - box.right) / scale)} px right, ${Math.round((r.bottom - box.bottom) / scale)} px down)`);
        break;
      }
    }
    // Text stays inside the box the layout gave it (2 px of slack for glyph overhang).
    for (const el of slide.querySelectorAll('.ld-box, .ld-heading')) {
      const b = el.getBoundingClientRect();
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let node, bad = null;
      while ((node = walker.nextNode())) {
        if (!node.textContent.trim() || node.parentElement.closest('.ld-mathml, caption, .ld-line-step, svg')) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) {
          if (r.width && outside(r, b, 2 * scale)) { bad = node.textContent.slice(0, 30); break; }
        }
        if (bad) break;
      }
      if (bad !== null) problems.push(`slide ${i + 1}: text ${JSON.stringify(bad)} outside its ${describe(el)}`);
      for (const formula of el.querySelectorAll('.ld-formula > svg')) {
        if (outside(formula.getBoundingClientRect(), b, 2 * scale)) {
          problems.push(`slide ${i + 1}: a formula is outside its ${describe(el)}`);
          break;
        }
      }
    }
    // A line of code or output is drawn on exactly one line.
    for (const line of slide.querySelectorAll('pre .ld-line')) {
      const tops = new Set(Array.from(line.getClientRects()).filter((r) => r.width).map((r) => Math.round(r.top)));
      if (tops.size > 1) {
        problems.push(`slide ${i + 1}: ${JSON.stringify(line.textContent.slice(0, 30))} is drawn on ${tops.size} lines`);
      }
    }
  }
  Reveal.slide(0);
  Reveal.configure({ autoAnimate: animates });
  return problems;
}
"""


def layout_problems(page) -> list[str]:
    return page.evaluate(LAYOUT_JS)


SLIDES_JS = """
() => [...document.querySelectorAll('.slides > section')].map(s => ({
  title: (s.querySelector('.ld-heading') || {textContent: ''}).textContent.trim(),
  boxes: [...s.querySelectorAll('.ld-box')].map(b => ({
    kind: [...b.classList].find(c => c !== 'ld-box' && c.startsWith('ld-')),
    lines: [...b.querySelectorAll('.ld-line')].map(l => l.textContent)})),
}))
"""

CONTINUATION = "↪"


def structure_problems(slides: list[dict], warnings: str) -> list[str]:
    """How a deck's slides (SLIDES_JS: each slide's title and boxes, with their drawn lines) break the rules a
    lecturer reads a deck by: no title more than 3 times; no compound statement's header ending a slide while
    its body starts the next; a figure whose code ends the slide before says whose it is; a split output keeps
    3 lines on either side; no line broken inside a word unless the build's `warnings` say so."""
    problems = []
    titles = [s["title"] for s in slides if s["title"]]
    problems += [f"title used {titles.count(t)} times: {t!r}" for t in sorted(set(titles)) if titles.count(t) > 3]
    for number, (before, slide) in enumerate(itertools.pairwise(slides), start=2):
        if not (before["boxes"] and slide["boxes"]):
            continue
        last, first = before["boxes"][-1], slide["boxes"][0]
        if last["kind"] == first["kind"] == "ld-code" and last["lines"] \
                and last["lines"][-1].split("#")[0].rstrip().endswith(":"):
            problems.append(f"slide {number}: starts the body of {last['lines'][-1].strip()!r} on the slide before")
        if first["kind"] == "ld-figure" and last["kind"] == "ld-code" and "figure" not in slide["title"]:
            problems.append(f"slide {number}: a figure apart from its code, titled {slide['title']!r}")
        if last["kind"] == first["kind"] == "ld-output" and min(len(last["lines"]), len(first["lines"])) < 3:
            problems.append(f"slide {number}: a split output leaves {len(last['lines'])} and {len(first['lines'])} lines")
    for number, slide in enumerate(slides, start=1):
        for box in slide["boxes"]:
            for line, tail in itertools.pairwise(box["lines"]):
                rest = tail.strip().removeprefix(CONTINUATION).lstrip()
                if tail.lstrip().startswith(CONTINUATION) and line and rest \
                        and _word(line[-1]) and _word(rest[0]) and "breaks inside a word" not in warnings:
                    problems.append(f"slide {number}: {line.strip()[-20:]!r} ↪ {rest[:20]!r} breaks a word unsaid")
    return problems


def _word(character: str) -> bool:
    return character.isalnum() or character == "_"
