import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import { readdirSync } from 'node:fs';

/** Every folder of src/: each is imported by the others only through its index.ts (test/layering.test.ts also checks that no two depend on each other). */
const FOLDERS = readdirSync(new URL('./src/', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'ui/dist/**', '**/.pond/**', 'test-output/**', 'bench/.work/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^\\.\\./(?:\\.\\./)*(${FOLDERS.join('|')})/(?!index\\.ts$).+`,
              message: 'Import another folder through its index.ts (its public surface).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/define/**'],
    ignores: ['src/define/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(node:|@duckdb|better-sqlite3|pg$|kysely)', message: 'define/ is imported by user projects: no node:*, DuckDB or database drivers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/partition/**'],
    ignores: ['src/partition/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.\\./(?!errors/index\\.ts$)', message: "partition/ is at the bottom of the layers: it imports nothing of Pond's but errors/." },
            { regex: '^(node:|@duckdb|better-sqlite3|pg$|kysely)', message: 'partition/ is pure math: no node:*, DuckDB or database drivers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/serve/api/answers/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./)', message: "answers/ is read by the web UI's build: it imports nothing but its own files." }] },
      ],
    },
  },
  {
    files: ['ui/src/**'],
    ...reactHooks.configs.flat['recommended-latest'],
  },
  {
    files: ['ui/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!serve/api/answers/index\\.ts$)',
              message: "The UI runs in the browser: of the server's code it imports only the API's answer types (src/serve/api/answers/index.ts).",
            },
          ],
        },
      ],
    },
  },
);
