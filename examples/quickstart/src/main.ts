import { runDemo } from './demo.js';

if (!runDemo().ok) process.exitCode = 1;
