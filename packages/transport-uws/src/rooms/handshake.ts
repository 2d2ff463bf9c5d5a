import { describeManifestDifference, ManifestError, parseManifest, type SchemaModule } from '@netschema/runtime';

/**
 * Why a client's schema differs from the server's, from the manifest it sent: `full` for the
 * S_ERROR, `short` for the close reason. The manifest is validated as data first
 * (parseManifest), so the diff only ever loops over bounded, real arrays.
 */
export function explainMismatch(schema: SchemaModule, manifestJson: string): { full: string; short: string } {
  let text: string;
  try {
    const theirs = parseManifest(manifestJson);
    text = describeManifestDifference(schema.manifest, theirs) ?? `the fingerprints differ (client ${theirs.fingerprint}) but the manifests match field for field`;
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    text = `the client sent an invalid manifest: ${e.message}`;
  }
  return {
    full: `schema mismatch (server ${schema.fingerprint}): ${text}. Regenerate the client's schema module with netschema generate, or deploy the matching client`,
    short: `schema mismatch: ${text}`,
  };
}
