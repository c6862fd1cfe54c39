/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // type-checking is `npm run build`'s job; tsconfig's isolatedModules makes ts-jest transpile only
  transform: { '^.+\\.tsx?$': 'ts-jest' },
  // synthesizing with esbuild bundling takes seconds per app on two cores
  testTimeout: 120_000,
};
