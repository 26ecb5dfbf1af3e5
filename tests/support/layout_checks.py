"""What a laid-out HTML deck must keep, read from the page as Chromium draws it.

Run on every slide: nothing outside the slide, no text outside its box, no line of code or
output drawn on more than one line, no formula taller or wider than its box.
"""
from __future__ import annotations

LAYOUT_JS = """
() => {
  const problems = [];
  const total = Reveal.getTotalSlides();
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
  return problems;
}
"""


def layout_problems(page) -> list[str]:
    return page.evaluate(LAYOUT_JS)
