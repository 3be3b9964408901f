// Renders media/icon.svg to the 128×128 media/icon.png that package.json names as the extension's icon,
// with Debian's chromium through playwright-core (as the UI tests use them). Run after editing the SVG:
//   node scripts/render-icon.mjs
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './code-server.mjs';

const media = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'media');
const svg = readFileSync(path.join(media, 'icon.svg'), 'utf8');
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: path.join(media, 'icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
console.log(path.join(media, 'icon.png'));
