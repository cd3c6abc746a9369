// ESLint flat config: type-checked TypeScript rules, promise safety, and the architecture as lint
// (services depend only on libs; contracts on nothing of ours; kafkajs/axios only in their libs).
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Who may import whom. Only tests may import libs/testing. */
function boundaries({ tests }) {
  const testing = tests ? ['type:testing'] : [];
  return {
    enforceBuildableLibDependency: false,
    banTransitiveDependencies: false,
    allow: [],
    depConstraints: [
      {
        sourceTag: 'type:service',
        onlyDependOnLibsWithTags: [
          'type:contracts',
          'type:feature',
          'type:data-access',
          'type:util',
          ...testing,
        ],
        bannedExternalImports: ['kafkajs', 'axios'],
      },
      { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [...testing] },
      {
        sourceTag: 'type:util',
        onlyDependOnLibsWithTags: ['type:util', 'type:contracts', ...testing],
      },
      {
        sourceTag: 'type:data-access',
        onlyDependOnLibsWithTags: ['type:util', 'type:contracts', ...testing],
      },
      {
        sourceTag: 'type:feature',
        onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts', ...testing],
      },
      // The end-to-end suites drive the whole system: they may use every library.
      {
        sourceTag: 'type:e2e',
        onlyDependOnLibsWithTags: [
          'type:testing',
          'type:util',
          'type:contracts',
          'type:data-access',
          'type:feature',
        ],
      },
      {
        sourceTag: 'type:testing',
        onlyDependOnLibsWithTags: ['type:util', 'type:contracts', 'type:data-access'],
      },
    ],
  };
}

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.cache/**',
      '.nx/**',
      '**/*.js',
      '**/*.mjs',
      'libs/tripletex/src/generated/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-console': ['error', { allow: ['error', 'warn'] }],
      '@nx/enforce-module-boundaries': ['error', boundaries({ tests: false })],
    },
  },
  {
    // Tests and scripts may print and poke at internals.
    files: [
      '**/*.spec.ts',
      '**/*.medium-spec.ts',
      '**/test/**/*.ts',
      '**/scripts/**/*.ts',
      'deploy/e2e/**/*.ts',
    ],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries({ tests: true })],
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
      // Tests read JSON answers; typing every response shape would add noise, not safety.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  prettier,
);
