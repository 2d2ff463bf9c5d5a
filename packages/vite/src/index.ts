/**
 * Vite plugin for netschema: codecs regenerated on schema change, schema errors in Vite's overlay.
 */
export { netschema, netschema as default, type NetschemaPluginOptions } from './plugin.js';
