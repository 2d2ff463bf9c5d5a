export * from './schema/decorators.js';
export { NetArray } from './collections/net-array.js';
export { NetMap } from './collections/net-map.js';
export { DecodeError, EncodeError } from './wire/decode-error.js';
export { Writer } from './wire/writer.js';
export { Reader, type ReaderLimits } from './wire/reader.js';
export type { ClassCodec, SchemaModule, Manifest, ManifestClass, ManifestField, ManifestEnum } from './codec/schema-module.js';
export { World } from './state/world.js';
export { ReplicaWorld, type FrameChanges } from './state/replica-world.js';
