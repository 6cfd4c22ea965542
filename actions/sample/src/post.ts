import { runStep, type Platform } from '@azpn/core';

/** The post step: reads what main left in state. It imports nothing heavy, so its bundle stays small. */
export async function post(platform: Platform): Promise<void> {
  await runStep(platform, async () => {
    const greeted = platform.state.get('greeted');
    if (!greeted) {
      platform.log.info('The main step greeted nobody; nothing to clean up.');
      return;
    }
    platform.log.info(`Post step: cleaning up after greeting ${greeted}.`);
    await platform.summary.append(`Post step saw state greeted=${greeted}.\n`);
  });
}
