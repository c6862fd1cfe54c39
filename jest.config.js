/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // type-checking is `npm run build`'s job: swc only strips the types, several times faster than ts-jest
  transform: {
    '^.+\\.tsx?$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  // jest's default on two cores is one worker: the suite would run serially
  maxWorkers: '100%',
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
  // synthesizing with esbuild bundling takes seconds per app on two cores
  testTimeout: 120_000,
};
