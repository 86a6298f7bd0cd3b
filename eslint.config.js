// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// Pure modules (rules, journeys, validation, presenters) must stay free of I/O so they can
// be tested in isolation and reasoned about; this list is what "I/O" means here.
const ioModules = [
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:http',
  'node:child_process',
  'pg',
  '@electric-sql/pglite',
  'fastify',
]
const pureFiles = [
  'src/**/rules.ts',
  'src/**/journey.ts',
  'src/**/validation.ts',
  'src/**/presenters.ts',
  'src/**/calendar.ts',
  'src/**/resolve.ts',
  'src/**/agreement.ts',
]

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'public/',
      'data/',
      'screenshots/',
      'test-results/',
      'src/web/assets/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-console': 'error',
    },
  },
  {
    files: pureFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ioModules.map((name) => ({ name, message: 'Pure modules do no I/O.' })) },
      ],
    },
  },
  {
    // Command-line scripts and benchmarks talk to a person through the terminal.
    files: ['scripts/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      // node:test's describe/it return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
)
