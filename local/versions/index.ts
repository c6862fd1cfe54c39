export type { FunctionConfiguration } from './bundle-hash';
export { bundleSha256 } from './bundle-hash';
export type {
  FunctionVersions,
  PublishableFunction,
  PublishResult,
  VersionRecord,
  VersionStoreOptions,
} from './version-store';
export { DEFAULT_STORE_DIR, VersionStore } from './version-store';
