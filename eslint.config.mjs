import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', '.vscode-test/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Benchmark workers and adapters are plain CommonJS scripts for Node (BENCH.md contract).
    files: ['bench/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', exports: 'writable', process: 'readonly', console: 'readonly', performance: 'readonly', globalThis: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The layer rule of DESIGN.md: core runs in plain Node and is tested against real servers without VS Code.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core must not import vscode (DESIGN.md: core runs in plain Node).' }],
        patterns: [{ group: ['**/vscode/**', '**/vscode', '**/cli/**'], message: 'src/core must not depend on src/vscode or src/cli.' }],
      }],
    },
  },
  {
    // The house rule of docs/ARCHITECTURE.md: a feature folder of src/vscode uses another only through
    // that folder's index.ts, the narrow interface it chose to show (test/unit/architecture.test.ts
    // checks that the folders' imports form no circle).
    files: ['src/vscode/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^\\.\\./(?!\\.\\.)[^/]+/', message: "Import another feature folder through its index.ts ('../files', not '../files/server-uri')." }],
      }],
    },
  },
);
