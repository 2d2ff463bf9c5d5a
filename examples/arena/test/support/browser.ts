// Headless Chromium for the end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core
// (a test tool's own browser download cannot be fetched on these machines).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.NETSCHEMA_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Without the background-networking flags Chromium keeps trying to reach Google's hosts, which this
 * network refuses. playwright's launch() gives every browser a new, empty --user-data-dir of its own
 * (it refuses one passed in `args`), so each run starts from a fresh profile.
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why Chromium cannot be used, or null when it is there. */
export function chromiumMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  return (
    `Chromium is not installed at ${CHROMIUM}: the browser tests need it. Install it with 'apt-get install -y chromium' ` +
    `(.ci/run does this), or point NETSCHEMA_CHROMIUM at a Chromium binary.`
  );
}

/** Launches Chromium, or fails (never skips) saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing !== null) throw new Error(missing);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 30_000 });
}
