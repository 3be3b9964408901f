// Bundles the extension and the CLI. `--production` minifies and drops sourcemaps; `--watch` rebuilds.
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
];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
