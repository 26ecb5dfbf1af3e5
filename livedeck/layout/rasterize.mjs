// Draw SVG pictures as PNG with resvg (PowerPoint cannot show SVG): a lesson's own SVG images.
// Reads a JSON list of {svg (text), longest (px of the PNG's longest side)} on stdin; writes a JSON list of
// {png (base64), width, height (the SVG's own size, in CSS px), error} in the same order on stdout.
import {Resvg} from '@resvg/resvg-js';

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => { text += chunk; });
  process.stdin.on('end', () => resolve(text));
}));

const output = input.map(({svg, longest}) => {
  try {
    const natural = new Resvg(svg);
    const {width, height} = natural;
    const fit = width >= height ? {mode: 'width', value: longest} : {mode: 'height', value: longest};
    const png = new Resvg(svg, {fitTo: fit, background: 'rgba(255,255,255,0)'}).render().asPng();
    return {png: Buffer.from(png).toString('base64'), width, height, error: ''};
  } catch (error) {
    return {png: '', width: 0, height: 0, error: String(error.message || error)};
  }
});
process.stdout.write(JSON.stringify(output));
