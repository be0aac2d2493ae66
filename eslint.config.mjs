// Lint rules that hold the line STYLE.md draws: typed, no floating promises, explicit exports.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.vane/**', 'test/bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'max-depth': ['error', 4],
      // STYLE.md 11: a real API server serves objects with keys in its own order, so serializations never compare.
      'no-restricted-syntax': [
        'error',
        {
          selector: "BinaryExpression[operator=/^[!=]==?$/] > CallExpression[callee.object.name='JSON'][callee.property.name='stringify']",
          message: 'Compare by meaning (sameJson in src/resources/canonical-json.ts), never by serialization: a real API server serves keys in its own order.',
        },
      ],
    },
  },
  {
    // The dashboard's browser code has its own tsconfig (DOM, TSX with Preact); the rules above hold for it too.
    files: ['src/dashboard/app/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { projectService: false, project: './src/dashboard/app/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/explicit-module-boundary-types': 'off' },
  },
);
