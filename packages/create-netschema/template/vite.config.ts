import { netschema } from '@netschema/vite';
import { defineConfig } from 'vite';

// The plugin regenerates src/state.netschema.ts on every save of src/state.ts and shows schema
// errors in the page's error overlay.
export default defineConfig({ plugins: [netschema()] });
