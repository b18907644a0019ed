// @ingot/registry: the registry server, its storage backends, the artifact checks
// (tarball safety, plugin/pack/module manifests), deterministic packing, and the client.
export {
  type ArtifactInfo,
  type ArtifactKind,
  inspectArtifact,
  PACK_MANIFEST_FILE,
  PACK_MANIFEST_SCHEMA,
  type PluginSummary,
} from "./artifact.js";
export {
  type DownloadProgress,
  type PackageSummary,
  RegistryClient,
  RegistryError,
  type ResolvedVersion,
} from "./client.js";
export { extractTarball } from "./extract.js";
export { IntegrityError, integrityOf, isIntegrity, matchesIntegrity, verifyIntegrity } from "./integrity.js";
export {
  MODULE_MANIFEST_FILE,
  MODULE_MANIFEST_SCHEMA,
  type ModuleDeclare,
  type ModuleManifest,
  validateModuleManifest,
} from "./module-manifest.js";
export { invalidNameReason, invalidVersionReason, parsePackageSpec } from "./names.js";
export {
  NPM_DEFAULT_REGISTRY,
  type NpmPackument,
  NpmRegistryClient,
  NpmRegistryError,
  type NpmResolved,
  type NpmVersion,
  npmEncodeName,
  pickVersion,
  sha512Of,
} from "./npm.js";
export { PACK_MTIME, packDirectory, packFileList } from "./pack.js";
export { API_PREFIX, createRegistryServer, encodeName, type RegistryServerOptions, tarballPath } from "./server.js";
export {
  ArtifactExistsError,
  FileStorage,
  type PackageRecord,
  type RegistryStorage,
  type VersionRecord,
} from "./storage.js";
export { normalizePrefix, S3Storage, type S3StorageOptions } from "./storage-s3.js";
export {
  DEFAULT_MAX_ARTIFACT_SIZE,
  readTarball,
  type Tarball,
  type TarballEntry,
  TarballError,
  type TarballLimits,
} from "./tarball.js";
