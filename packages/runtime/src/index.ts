export * from './schema/decorators.js';
export { DecodeError, EncodeError } from './wire/decode-error.js';
