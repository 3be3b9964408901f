export { DEFAULT_EXCLUDE, DEFAULT_MAX_FILE_BYTES, MANIFEST_NAME, scanProject } from './local-tree';
export type { LocalFile, LocalScan, ScanOptions, SkippedFile } from './local-tree';
export { manifestPath, readManifest } from './manifest';
export type { Manifest, ManifestEntry } from './manifest';
export { importedModulesOf, reloadModules } from './module-reload';
export { ProjectSync, SYNC_CONCURRENCY, serverPathIn } from './project-sync';
export type { ConflictKind, SyncConflict, SyncPlan, SyncProgress, SyncResult, SyncSettings } from './project-sync';
