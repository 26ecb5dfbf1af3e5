// Typeset TeX formulas with MathJax (SVG output, and MathML for screen readers), say them in words with
// speech-rule-engine (the alt text of display formulas' pictures), and draw display formulas as PNG with resvg:
// livedeck's one math engine, for every format.
// Reads a JSON list of {latex, display, png_scale, largest: [width, height] in em} on stdin; writes a JSON list of
// {svg, mathml, speech, png (base64, display formulas only), error} in the same order on stdout.
import MathJax from '@mathjax/src';
import {Resvg} from '@resvg/resvg-js';
import {createRequire} from 'module';

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => { text += chunk; });
  process.stdin.on('end', () => resolve(text));
}));

await MathJax.init({
  // A formula is the lesson's content, which never runs script nor fetches: MathJax's own safe filter keeps
  // links to http(s) and relative addresses only, and drops the styles, classes and ids \style, \class and
  // \cssId would add (a style can fetch a URL; a class or id can meet the deck's own CSS and scripts).
  loader: {load: ['input/tex', 'output/svg', 'ui/safe']},
  safe: {allow: {URLs: 'safe', classes: 'none', cssIDs: 'none', styles: 'none'},
         safeProtocols: {http: true, https: true, file: false, javascript: false, data: false}},
  // An unknown command is an error (not red text on a slide), and errors are thrown, not typeset.
  // `\bm` (LaTeX's bm package), common in course notes and notebooks, is MathJax's \boldsymbol.
  tex: {packages: {'[-]': ['noundefined', 'noerrors']}, formatError: (jax, error) => { throw error; },
        macros: {bm: ['\\boldsymbol{#1}', 1]}},
  svg: {fontCache: 'none', linebreaks: {inline: false}},  // an inline formula is one picture
  startup: {typeset: false},
});

// ClearSpeak: the rules written for students' mathematics ("d y over d x equals 2 x"). Loaded only when a
// display formula is to be said (inline ones read as their text); its one-file bundle loads fastest.
let SRE = null;
if (input.some((item) => item.display)) {
  SRE = createRequire(import.meta.url)('speech-rule-engine');
  await SRE.setupEngine({locale: 'en', domain: 'clearspeak', modality: 'speech', markup: 'none'});
  await SRE.engineReady();
}

const results = [];
for (const {latex, display, png_scale, largest} of input) {
  try {
    const node = await MathJax.tex2svgPromise(latex, {display});
    // Without MathJax's data attributes: they only repeat the source (unescaped `<` in data-latex
    // even breaks strict SVG readers such as resvg).
    const svg = MathJax.startup.adaptor.innerHTML(node).replace(/ data-(latex|mml-node|c|latex-item)="[^"]*"/g, '');
    const mathml = (await MathJax.tex2mmlPromise(latex, {display})).replace(/ data-[\w-]+="[^"]*"/g, '');
    const [width, height] = svg.match(/viewBox="\S+ \S+ (\S+) (\S+)"/).slice(1).map((v) => Number(v) / 1000);  // em
    if (width > largest[0] || height > largest[1]) {
      throw new Error(`it is ${width.toFixed(0)} em wide and ${height.toFixed(0)} em tall, more than a slide ` +
                      `shows legibly (${largest[0].toFixed(0)} × ${largest[1].toFixed(0)} em` +
                      (display ? ' at 12 pt' : ', inline') + '): break it into lines, or shorten it');
    }
    // Said in words where a formula is a picture of its own (display math); inline math reads as its text
    const speech = display ? SRE.toSpeech(mathml).trim() : '';
    let png = '';
    if (display) {
      const sized = svg.replace(/ width="[^"]*"/, ` width="${(width * png_scale).toFixed(2)}"`)
                       .replace(/ height="[^"]*"/, ` height="${(height * png_scale).toFixed(2)}"`)
                       .replace(/ style="[^"]*"/, '');
      png = Buffer.from(new Resvg(sized, {background: 'rgba(0,0,0,0)'}).render().asPng()).toString('base64');
    }
    results.push({svg, mathml, speech, png, error: ''});
  } catch (error) {
    results.push({svg: '', mathml: '', speech: '', png: '', error: String(error.message || error)});
  }
}
process.stdout.write(JSON.stringify(results));
