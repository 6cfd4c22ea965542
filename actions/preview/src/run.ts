import { runStep, type Platform } from '@azpn/core';
import { readPreviewConfig } from './config.js';
import { deployPreview } from './deploy-preview.js';
import { destroyPreview } from './destroy-preview.js';
import { sweepPreviews } from './sweep-previews.js';

/** The main step: every input checked once, then the mode's work. */
export async function run(platform: Platform): Promise<void> {
  await runStep(platform, async () => {
    const config = readPreviewConfig(platform);
    if (config.mode === 'deploy') return deployPreview(platform, config);
    if (config.mode === 'destroy') return destroyPreview(platform, config);
    return sweepPreviews(platform, config);
  });
}
