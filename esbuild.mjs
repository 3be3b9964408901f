// Bundles the extension and the CLI. `--production` minifies and drops sourcemaps; `--watch` rebuilds.
import { copyFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * `ws` gets http/https modules whose request() is Node's own ClientRequest: inside VS Code the real
 * http.request/https.request are replaced for extensions and drop the verified socket we hand to ws
 * (src/core/http/unpatched/http.ts says why).
 * @type {import('esbuild').Plugin}
 */
const unpatchedHttpForWs = {
  name: 'unpatched-http-for-ws',
  setup(build) {
    build.onResolve({ filter: /^https?$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]ws[\\/]/.test(args.importer)) return undefined;
      return { path: path.resolve('src/core/http/unpatched', `${args.path}.ts`) };
    });
  },
};

/**
 * The widget renderer's CSS (ipywidgets' controls, Lumino) becomes a style element its module adds when
 * loaded: a notebook renderer is one ES module, and its webview loads nothing else. Each stylesheet is
 * bundled first (its @imports inlined, its images and fonts as data: URLs), so nothing is fetched.
 * @type {import('esbuild').Plugin}
 */
const inlineCss = {
  name: 'inline-css',
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, async (args) => {
      const css = await esbuild.build({
        entryPoints: [args.path],
        bundle: true,
        write: false,
        minify: production,
        logLevel: 'silent',
        loader: { '.svg': 'dataurl', '.png': 'dataurl', '.gif': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.eot': 'dataurl' },
      });
      const text = css.outputFiles[0].text;
      return { contents: `const style = document.createElement('style');\nstyle.textContent = ${JSON.stringify(text)};\ndocument.head.appendChild(style);\n`, loader: 'js' };
    });
  },
};

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  external: ['vscode'],
  plugins: [unpatchedHttpForWs],
  logLevel: 'warning',
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The client library alone, for the benchmark adapter and other Node programs.
  { ...common, entryPoints: ['src/core/index.ts'], outfile: 'dist/core.js' },
  // The widget renderer: an ES module for VS Code's output webview, everything bundled in.
  {
    entryPoints: ['src/renderer/widget-renderer.ts'],
    outfile: 'dist/widget-renderer.js',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: production,
    sourcemap: production ? false : 'inline',
    sourcesContent: false,
    define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"', global: 'globalThis' },
    loader: { '.svg': 'text' }, // JupyterLab's icons, imported as SVG source
    plugins: [inlineCss],
    logLevel: 'warning',
  },
  // The Data Viewer's grid: a classic script for its webview (src/vscode/variables/data-viewer.ts loads it).
  {
    entryPoints: ['src/renderer/data-grid/data-grid.ts'],
    outfile: 'dist/data-grid.js',
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: production,
    sourcemap: production ? false : 'inline',
    sourcesContent: false,
    logLevel: 'warning',
  },
];

// The variable inspector runs in the kernel: its Python source ships beside the bundles that send it.
mkdirSync('dist', { recursive: true });
copyFileSync('src/core/variables/inspector.py', 'dist/inspector.py');

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
