// Handout: A4 portrait pages of at most two slides, each at least 16 cm wide with its speaker notes beneath.
// livedeck runs this in headless Chromium after reveal.js's print view has laid out one
// .pdf-page per slide; the slides stay live HTML (text stays text), only scaled down.
(function () {
  const PAGE = { width: 794, height: 1123 };  // A4 in CSS px (96 per inch)
  // A slide as wide as the page's text (18.5 cm), or down to 16 cm (605 px) when that keeps two on a page.
  const MARGIN = 48, GAP = 20, WIDE = 698, NARROW = 605, PER_PAGE = 2;
  const slides = document.querySelector(".reveal .slides");
  const printed = Array.from(slides.children).filter((e) => e.classList.contains("pdf-page"));
  const slideWidth = printed[0].offsetWidth;  // reveal.js's printed page: the slide and its margin
  const slideHeight = printed[0].offsetHeight;
  const thumbHeight = (width) => Math.round(slideHeight * width / slideWidth);
  const title = document.title;

  const style = document.createElement("style");
  style.textContent = `
    @page { size: 210mm 297mm; margin: 0; }
    html, body { width: ${PAGE.width}px !important; height: auto !important; overflow: visible !important; }
    .reveal, .reveal .slides { position: static !important; width: auto !important; height: auto !important;
      transform: none !important; overflow: visible !important; inset: auto !important; zoom: 1 !important; }
    .ld-handout-page { position: relative; width: ${PAGE.width}px; min-height: ${PAGE.height}px; box-sizing: border-box;
      padding: ${MARGIN}px; break-after: page; background: white; font-family: "Source Sans Pro", Helvetica, sans-serif; }
    .ld-handout-head { font-size: 9pt; color: #666; border-bottom: 1px solid #ccc; margin-bottom: 14px; padding-bottom: 4px;
      display: flex; justify-content: space-between; }
    .ld-handout-page:last-child { break-after: auto; }
    /* The chalkboard's canvases are slide-wide: left in, they would make Chromium shrink every page. */
    canvas, .boardhandle { display: none !important; }
    .ld-handout-item { margin-bottom: ${GAP}px; break-inside: avoid; }
    .ld-handout-frame { overflow: hidden; position: relative; border: 1px solid #aaa; margin: 0 auto; }
    .reveal .slides .ld-handout-frame > .pdf-page { position: absolute !important; left: 0; top: 0; margin: 0 !important;
      width: ${slideWidth}px; transform-origin: 0 0; break-after: auto !important; page-break-after: auto !important; }
    .ld-handout-notes { font-size: 11pt; line-height: 1.4; color: #222; margin-top: 8px; }
    .ld-handout-notes p { margin: 0 0 4px 0; }
    .ld-handout-notes.empty { color: #999; font-style: italic; }
  `;
  document.head.appendChild(style);

  // Build every item first, in a column as wide as a page's text, to measure its height.
  const measure = document.createElement("div");
  measure.style.width = `${PAGE.width - 2 * MARGIN}px`;
  slides.appendChild(measure);
  const items = printed.map((page) => {
    const item = document.createElement("div");
    item.className = "ld-handout-item";
    const frame = document.createElement("div");
    frame.className = "ld-handout-frame";
    frame.appendChild(page);
    const notes = document.createElement("div");
    const section = page.querySelector("section");
    // the slide's notes, not the copies its steps carry for the speaker view (`[click]`), none highlighted
    const asides = section ? Array.from(section.querySelectorAll("aside.notes")).filter((a) => !a.closest(".fragment")) : [];
    asides.forEach((aside) => aside.querySelectorAll("[data-ld-click]").forEach((part) => part.removeAttribute("style")));
    const html = asides.map((aside) => aside.innerHTML).join("");
    notes.className = "ld-handout-notes" + (html ? "" : " empty");
    notes.innerHTML = html || "";
    item.append(frame, notes);
    measure.appendChild(item);
    return item;
  });
  const notesHeights = items.map((item) => item.lastChild.offsetHeight + 8 + GAP + 2);
  const size = (item, width) => {
    const frame = item.firstChild;
    frame.style.width = `${width}px`;
    frame.style.height = `${thumbHeight(width)}px`;
    frame.firstChild.style.zoom = `${width / slideWidth}`;  // zoom, not a transform: the page then lays out no wider than it draws
  };

  // Two slides a page, as wide as fits both (never under 16 cm); a slide whose notes leave no room
  // for a second goes alone, full width.
  const room = PAGE.height - 2 * MARGIN - 40;
  const fits = (i, width) => thumbHeight(width) * 2 + notesHeights[i] + notesHeights[i + 1] <= room;
  const pages = [];
  for (let i = 0; i < items.length;) {
    const width = i + 1 < items.length ? [WIDE, NARROW].find((w) => fits(i, w)) : undefined;
    const count = width ? PER_PAGE : 1;
    const page = items.slice(i, i + count);
    page.forEach((item) => size(item, width || WIDE));
    pages.push(page);
    i += count;
  }
  measure.remove();
  pages.forEach((pageItems, n) => {
    const page = document.createElement("div");
    page.className = "ld-handout-page";
    const head = document.createElement("div");
    head.className = "ld-handout-head";
    head.innerHTML = `<span></span><span>${n + 1} / ${pages.length}</span>`;
    head.firstChild.textContent = title;
    page.appendChild(head);
    pageItems.forEach((item) => page.appendChild(item));
    slides.appendChild(page);
  });
  document.documentElement.classList.add("ld-handout");
  window.livedeckHandoutReady = true;
})();
